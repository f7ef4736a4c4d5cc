// Moderation. A post's state is an enum, declared once and used as the
// column's type (on SQLite: text checked against the values). Titles are
// looked up without regard to case, through an expression index built
// concurrently. Comments whose author deleted their account (the key
// was set to NULL) are purged in batches of 1000 with a pause between
// them, resumable if the run stops; the way back cannot bring them back,
// so `down` says what it undoes.
schemaflow::migration! {
    create_enum post_state { draft, published, hidden }
    alter_table posts {
        add_column state: Enum<post_state> = "published",
    }
    create_index posts_lower_title_idx on posts(sql("lower(title)")) concurrently;
    delete_rows comments where "author_id IS NULL" batch 1000 pause 10ms;

    down {
        drop_index posts_lower_title_idx concurrently;
        alter_table posts {
            drop_column state,
        }
        drop_enum post_state;
    }
}
