//! The demo service: a small notes service over an embedded SQLite file, with smoke
//! tests (see `smoke.rs`) served at `/smoketest`.
//!
//! ```text
//! cargo run -p smoke-demo                      # http://127.0.0.1:8000
//! cargo run -p smoke-demo -- --listen 127.0.0.1:9000 --db /tmp/notes.db
//! ```
//!
//! Settings (flags win over the environment):
//!
//! | flag | variable | default |
//! |---|---|---|
//! | `--listen ADDR` | `DEMO_LISTEN` | `127.0.0.1:8000` |
//! | `--db PATH` | `DEMO_DB` | `<temp dir>/smoke-demo/notes.db` |
//! | | `DEMO_CONTACT_EMAIL` | `ops@example.com` (the required setting) |
//! | | `DEMO_REQUIRED_EXE` | `sh` (the required executable) |
//! | | `DEMO_MIN_FREE_MB` | `10` (free space wanted beside the database) |
//! | | `DEMO_SMOKE_TOKEN` | unset: everyone sees test names and messages |
//! | | `DEMO_SMOKE_SCHEDULE` | unset: tests run on request only; `60s`: every test each minute, from start-up on (what Prometheus's alerts want) |

mod smoke;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use smoke_runtime::http::{Details, Smoke};
use smoke_runtime::rollback::drivers::rusqlite::{self, Connection};
use smoke_runtime::rollback::RusqliteDb;
use smoke_runtime::Runner;

/// What the service and its smoke tests are configured with.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Where the service listens.
    pub listen: SocketAddr,
    /// The SQLite database file, as an absolute path.
    pub db: PathBuf,
    /// Where the operators are reached; the service refuses to be without one.
    pub contact_email: String,
    /// A program the service shells out to.
    pub required_exe: String,
    /// Free space wanted on the database's file system, in bytes.
    pub min_free_bytes: u64,
    /// Run every test this often in the background (`None`: on request only).
    pub schedule: Option<Duration>,
}

impl Settings {
    /// Reads the flags and the environment.
    fn load() -> Result<Settings, String> {
        let env = |name: &str, default: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| default.to_owned())
        };
        let default_db = std::env::temp_dir().join("smoke-demo").join("notes.db");
        let mut listen = env("DEMO_LISTEN", "127.0.0.1:8000");
        let mut db = std::env::var_os("DEMO_DB")
            .filter(|v| !v.is_empty())
            .map_or(default_db, PathBuf::from);
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--listen" => listen = args.next().ok_or("--listen needs an address")?,
                "--db" => db = args.next().ok_or("--db needs a path")?.into(),
                "-h" | "--help" => {
                    println!(
                        "smoke-demo [--listen ADDR] [--db PATH]\n\n\
                         Serves notes at /notes and the smoke tests at /smoketest.\n\
                         Environment: DEMO_LISTEN, DEMO_DB, DEMO_CONTACT_EMAIL, \
                         DEMO_REQUIRED_EXE, DEMO_MIN_FREE_MB, DEMO_SMOKE_TOKEN, \
                         DEMO_SMOKE_SCHEDULE."
                    );
                    std::process::exit(0);
                }
                other => return Err(format!("unknown argument {other:?}; see --help")),
            }
        }
        let min_free_mb: u64 = env("DEMO_MIN_FREE_MB", "10")
            .parse()
            .map_err(|_| "DEMO_MIN_FREE_MB must be a whole number of megabytes")?;
        let schedule = match std::env::var("DEMO_SMOKE_SCHEDULE") {
            Ok(every) if !every.is_empty() => Some(
                humantime::parse_duration(&every)
                    .ok()
                    .filter(|d| !d.is_zero())
                    .ok_or("DEMO_SMOKE_SCHEDULE must be a duration such as 60s or 5m")?,
            ),
            _ => None,
        };
        // Absolute, so that its directory is known whatever the working directory.
        let db = std::path::absolute(&db).map_err(|e| format!("--db {}: {e}", db.display()))?;
        Ok(Settings {
            listen: listen
                .parse()
                .map_err(|e| format!("--listen {listen:?}: {e}"))?,
            db,
            contact_email: env("DEMO_CONTACT_EMAIL", "ops@example.com"),
            required_exe: env("DEMO_REQUIRED_EXE", "sh"),
            min_free_bytes: min_free_mb * 1024 * 1024,
            schedule,
        })
    }
}

/// Creates the database file and its table if needed, with a first note.
fn open_database(path: &Path) -> rusqlite::Result<Connection> {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.execute_batch(
        "pragma journal_mode = wal;
         create table if not exists notes (
             id integer primary key,
             body text not null,
             created_at text not null default current_timestamp
         );
         insert into notes(body) select 'welcome to the smoke demo'
             where not exists (select 1 from notes);",
    )?;
    Ok(conn)
}

type Db = Arc<Mutex<Connection>>;

/// Runs `work` on the connection on a blocking thread: a statement may wait up to the
/// busy timeout for SQLite's write lock, and the async workers must stay free meanwhile
/// (for `/smoketest/livez` and every other request).
async fn with_db<T, F>(db: Db, work: F) -> Result<T, (StatusCode, String)>
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> Result<T, (StatusCode, String)> + Send + 'static,
{
    tokio::task::spawn_blocking(move || {
        let conn = db.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        work(&conn)
    })
    .await
    .map_err(|e| {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the database thread failed: {e}\n"),
        )
    })?
}

async fn index(State(db): State<Db>) -> Result<String, (StatusCode, String)> {
    let n: i64 = with_db(db, |conn| {
        conn.query_row("select count(*) from notes", [], |r| r.get(0))
            .map_err(internal)
    })
    .await?;
    Ok(format!(
        "smoke-demo: {n} note(s) at /notes (GET to list, POST to add); smoke tests at /smoketest\n"
    ))
}

async fn list_notes(State(db): State<Db>) -> Result<String, (StatusCode, String)> {
    with_db(db, |conn| {
        let mut stmt = conn
            .prepare("select id, body from notes order by id")
            .map_err(internal)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(format!(
                    "{}\t{}\n",
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?
                ))
            })
            .map_err(internal)?;
        let mut out = String::new();
        for row in rows {
            out.push_str(&row.map_err(internal)?);
        }
        Ok(out)
    })
    .await
}

async fn add_note(
    State(db): State<Db>,
    body: String,
) -> Result<(StatusCode, String), (StatusCode, String)> {
    let body = body.trim().to_owned();
    if body.is_empty() {
        return Err((StatusCode::BAD_REQUEST, "a note needs a body\n".to_owned()));
    }
    let id = with_db(db, move |conn| {
        conn.execute("insert into notes(body) values (?1)", [body])
            .map_err(internal)?;
        Ok(conn.last_insert_rowid())
    })
    .await?;
    Ok((StatusCode::CREATED, format!("{id}\n")))
}

fn internal(e: rusqlite::Error) -> (StatusCode, String) {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("database error: {e}\n"),
    )
}

/// The service's routes with the smoke endpoint mounted at `/smoketest`, and the endpoint
/// (to tell it of shutdown).
fn app(settings: &Settings, db: Db) -> (Router, Smoke) {
    let details = match std::env::var("DEMO_SMOKE_TOKEN") {
        Ok(token) if !token.is_empty() => Details::WhenAuthorized(token),
        _ => Details::Always,
    };
    let mut smoke = Smoke::builder();
    if let Some(every) = settings.schedule {
        smoke = smoke.schedule(every);
    }
    let smoke = smoke
        .runner(
            Runner::builder()
                .resource(RusqliteDb::new(&settings.db))
                .resource(settings.clone())
                .default_timeout(Duration::from_secs(5))
                .deadline(Duration::from_secs(20)),
        )
        .details(details)
        .build();
    let app = Router::new()
        .route("/", get(index))
        .route("/notes", get(list_notes).post(add_note))
        .with_state(db);
    (
        smoke_runtime::axum::mount(app, "/smoketest", smoke.clone()),
        smoke,
    )
}

/// How long graceful shutdown may wait for open connections after the first Ctrl-C.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Ctrl-C (SIGINT) and, on Unix, SIGTERM, listened for from start-up on, so that no
/// signal is lost between the first and the second.
struct Signals {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl Signals {
    fn listen() -> std::io::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Signals {
                int: signal(SignalKind::interrupt())?,
                term: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    /// Resolves at the next signal.
    async fn next(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.int.recv() => {},
            _ = self.term.recv() => {},
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Waits for the first signal, then tells the server to shut down gracefully (through
/// `shutdown`), and ends the process if that takes longer than [`SHUTDOWN_GRACE`] (a
/// client that sent half a request keeps its connection open indefinitely) or at once on a
/// second signal.
async fn watch_signals(mut signals: Signals, shutdown: tokio::sync::oneshot::Sender<()>) {
    signals.next().await;
    eprintln!(
        "smoke-demo: shutting down (waiting up to {} s for open connections; Ctrl-C again to exit now)",
        SHUTDOWN_GRACE.as_secs()
    );
    let _ = shutdown.send(());
    tokio::select! {
        () = signals.next() => {
            eprintln!("smoke-demo: second signal; exiting now");
            std::process::exit(130);
        }
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            eprintln!(
                "smoke-demo: connections still open after {} s; exiting",
                SHUTDOWN_GRACE.as_secs()
            );
            std::process::exit(1);
        }
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let settings = match Settings::load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("smoke-demo: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let conn = match open_database(&settings.db) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("smoke-demo: cannot open {}: {e}", settings.db.display());
            return std::process::ExitCode::FAILURE;
        }
    };
    // Ctrl-C is handled before the demo says it listens: a signal sent as soon as it
    // does shuts it down gracefully rather than killing it.
    let signals = match Signals::listen() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("smoke-demo: cannot listen for signals: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(settings.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("smoke-demo: cannot listen on {}: {e}", settings.listen);
            return std::process::ExitCode::FAILURE;
        }
    };
    let addr = listener.local_addr().unwrap_or(settings.listen);
    eprintln!(
        "smoke-demo: listening on http://{addr} (database {}); smoke tests at http://{addr}/smoketest",
        settings.db.display()
    );
    let (shutdown, shutdown_requested) = tokio::sync::oneshot::channel();
    tokio::spawn(watch_signals(signals, shutdown));
    let (app, smoke) = app(&settings, Arc::new(Mutex::new(conn)));
    // The schedule (if any) starts now that the service listens.
    smoke.start_schedule();
    match axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            let _ = shutdown_requested.await;
            // Readiness turns 503 while open connections drain.
            smoke.shutting_down();
        })
        .await
    {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("smoke-demo: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
