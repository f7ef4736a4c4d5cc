// Renames `posts.body` to `content` without downtime, across two deploys.
// `cargo schemaflow run` adds `content`, keeps both columns in step with a
// trigger whichever app version writes, backfills it in batches, and stops
// at the deploy boundary. Deploy the code that uses `content`; once no
// running code uses `body`, `cargo schemaflow complete` drops it.
schemaflow::migration! {
    online_change posts {
        rename body -> content: String default "",
    } batch 1000 pause 10ms;
}
