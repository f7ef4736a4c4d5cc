// migrations/2019-03-03-163336_create_post/up.sql, down.sql
// expect: compiles; advice SF021 SF022 SF030
// why: new tables; two foreign keys have no index, the keys are 32-bit and the timestamps have no time zone (advice)
schemaflow::migration! {
    create_table post {
        id: i32 primary_key identity,
        name: Varchar<100>,
        url: Option<String>,
        body: Option<String>,
        creator_id: i32 references user_(id) on_delete cascade on_update cascade,
        community_id: i32 references community(id) on_delete cascade on_update cascade,
        removed: bool = false,
        locked: bool = false,
        published: Timestamp = now(),
        updated: Option<Timestamp>,
    }
    create_table post_like {
        id: i32 primary_key identity,
        post_id: i32 references post(id) on_delete cascade on_update cascade,
        user_id: i32 references user_(id) on_delete cascade on_update cascade,
        score: i16,
        published: Timestamp = now(),
        unique(post_id, user_id),
    }
    create_table post_saved {
        id: i32 primary_key identity,
        post_id: i32 references post(id) on_delete cascade on_update cascade,
        user_id: i32 references user_(id) on_delete cascade on_update cascade,
        published: Timestamp = now(),
        unique(post_id, user_id),
    }
    create_table post_read {
        id: i32 primary_key identity,
        post_id: i32 references post(id) on_delete cascade on_update cascade,
        user_id: i32 references user_(id) on_delete cascade on_update cascade,
        published: Timestamp = now(),
        unique(post_id, user_id),
    }
}
