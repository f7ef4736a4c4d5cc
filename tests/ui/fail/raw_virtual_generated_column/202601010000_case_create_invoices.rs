// The same virtual generated column, in raw SQL.
schemaflow::migration! {
    sql "CREATE TABLE invoices (id bigint PRIMARY KEY, net bigint NOT NULL, vat bigint NOT NULL, gross bigint GENERATED ALWAYS AS (net + vat) VIRTUAL)";
}

fn main() {}
