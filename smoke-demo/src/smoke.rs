//! The demo's smoke tests, in the spirit of django-smoketest's examples: the database
//! reads and writes (the write is rolled back), the temp directory is writable, there is
//! free disk space, a required executable is present, a required setting is set.

use smoke_runtime::checks;
use smoke_runtime::prelude::*;
use smoke_runtime::rollback::{RusqliteDb, RusqliteRollback};

use crate::Settings;

/// The notes table answers and holds the note the service seeds.
#[smoke_test(tags("db", "readiness"))]
fn notes_readable(db: Resource<RusqliteDb>) -> SmokeResult {
    let conn = db.open()?;
    let n: i64 = conn.query_row("select count(*) from notes", [], |r| r.get(0))?;
    assert_greater!(
        n,
        0,
        "the notes table is empty: the service seeds it at start-up"
    );
    Ok(())
}

/// A note can be written and read back; the transaction is rolled back afterwards.
#[smoke_test(tags("db"))]
fn notes_writable(tx: &mut RusqliteRollback) -> SmokeResult {
    let conn = tx.conn();
    conn.execute("insert into notes(body) values ('smoke probe')", [])?;
    let id = conn.last_insert_rowid();
    let body: String =
        conn.query_row("select body from notes where id = ?1", [id], |r| r.get(0))?;
    assert_equal!(body, "smoke probe");
    Ok(())
}

/// Uploads are staged in the temp directory.
#[smoke_test(tags("storage"))]
async fn temp_dir_writable() -> SmokeResult {
    checks::dir_writable(std::env::temp_dir()).await
}

/// The database's file system has room to grow.
#[smoke_test(tags("storage"))]
async fn disk_space_for_the_database(settings: Resource<Settings>) -> SmokeResult {
    // `load` makes the path absolute; a bare file name's parent is "" all the same.
    let dir = settings
        .db
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    checks::disk_free(dir, settings.min_free_bytes).await
}

/// The program the service shells out to is installed.
#[smoke_test]
async fn required_executable_present(settings: Resource<Settings>) -> SmokeResult {
    checks::executable_on_path(&settings.required_exe).await
}

/// The operators' contact address is configured, and is an e-mail address.
#[smoke_test]
fn contact_email_set(settings: Resource<Settings>) -> SmokeResult {
    checks::setting_present("DEMO_CONTACT_EMAIL", Some(&settings.contact_email))?;
    // The message names the setting, never its value (a setting may hold a secret).
    assert_true!(
        looks_like_email(&settings.contact_email),
        "setting DEMO_CONTACT_EMAIL is not an e-mail address (name@domain.tld); fix it in \
         the service's configuration"
    );
    Ok(())
}

/// `name@domain.tld`: one `@`, something before it, a dotted domain after it with no
/// empty label, and no whitespace.
fn looks_like_email(value: &str) -> bool {
    let Some((name, domain)) = value.split_once('@') else {
        return false;
    };
    !name.is_empty()
        && !value.chars().any(char::is_whitespace)
        && domain.contains('.')
        && !domain.contains('@')
        && domain.split('.').all(|label| !label.is_empty())
}

#[cfg(test)]
mod tests {
    use super::looks_like_email;

    #[test]
    fn e_mail_shapes() {
        for good in ["ops@example.com", "a.b+c@mail.example.org"] {
            assert!(looks_like_email(good), "{good}");
        }
        for bad in [
            "",
            "ops",
            "ops@",
            "@example.com",
            "ops@example",
            "ops@example.",
            "ops@.com",
            "ops@@example.com",
            "o ps@example.com",
            "ops@exa@mple.com",
        ] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }
}
