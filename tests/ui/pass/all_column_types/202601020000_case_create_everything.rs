schemaflow::migration! {
    create_table accounts {
        id: i64 primary_key identity,
        email: Varchar<320> unique,
    }

    #[allow(prefer_timestamptz, "local_at is a wall-clock time in the shop's own time zone")]
    create_table everything {
        id: i64 primary_key identity,
        sequence: i32,
        flag: bool = true,
        small: i16 = -1,
        medium: i32 = 42 check("medium >= 0"),
        big: i64 = 9000000000,
        ratio: f32 = 0.5,
        score: f64 = random(),
        price: Decimal<10, 2> = 19.99,
        body: String = "",
        code: Varchar<8> = "abc" unique,
        payload: Vec<u8> = sql("'\\x00'::bytea"),
        born_on: Date = current_date(),
        opens_at: Time = "09:00:00",
        local_at: Timestamp = "2026-01-01 00:00:00",
        created_at: TimestampTz = now(),
        touched_at: TimestampTz = clock_timestamp(),
        token: Uuid = gen_random_uuid(),
        settings: Json = "{\"theme\": \"dark\"}",
        note: Option<String>,
        expires_on: Option<Date> = "2030-12-31",
        owner_id: Option<i64> references accounts(id) on_delete set_null on_update cascade,
        constraint everything_code_body_key unique(code, body),
        check("small < medium"),
        check("ratio <= 1"),
    }
    create_index on everything(owner_id);

    create_table account_tags {
        account_id: i64 references accounts(id) on_delete cascade,
        tag: Varchar<50>,
        primary_key(account_id, tag),
    }

    create_table transfers {
        id: i64 primary_key identity,
        from_account: i64,
        to_account: i64,
        amount: Decimal<12, 2> check("amount > 0"),
        constraint transfers_from_account_fkey foreign_key(from_account) references accounts(id) on_delete restrict,
        foreign_key(to_account) references accounts(id) on_delete no_action on_update restrict,
        check("from_account <> to_account"),
    }
    create_index on transfers(from_account);
    create_index on transfers(to_account);
}

fn main() {
    let m = migration();
    assert_eq!(m.steps.len(), 7);
    let schemaflow::Op::CreateTable(everything) = &m.steps[1].op else { panic!("{:?}", m.steps[1].op) };
    assert_eq!(everything.columns.len(), 22);
    assert_eq!(m.steps[1].allows[0].rule, "prefer-timestamptz");
}
