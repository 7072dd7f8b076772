//! Python virtualenvs for the tests that check a format or a protocol with its project's
//! own tool (junitparser, the gRPC health client, moto, the OTLP bindings): made once per
//! target directory with `python3 -m venv` and `pip install` from PyPI.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// Whether `CI` is set (and not `0` / `false`): then a missing tool is a failure.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// A virtualenv a test needs.
#[derive(Clone, Copy, Debug)]
pub struct Venv {
    /// Its directory, under the test's `CARGO_TARGET_TMPDIR`.
    pub dir: &'static str,
    /// What `pip install` gets from PyPI.
    pub packages: &'static [&'static str],
    /// Python code that runs without error once the packages are usable (imports).
    pub check: &'static str,
    /// The variable that names an interpreter which has the packages already.
    pub python_var: &'static str,
    /// What the tests need, said when the virtualenv cannot be made.
    pub hint: &'static str,
}

impl Venv {
    /// Its interpreter, the virtualenv made under `tmp` on first use. `None` (the test
    /// then skips, saying why) when that is impossible outside CI.
    ///
    /// # Panics
    ///
    /// Under CI, when the virtualenv cannot be made or the packages cannot be installed.
    pub fn python(&self, tmp: &Path) -> Option<PathBuf> {
        match self.make(tmp) {
            Ok(python) => Some(python),
            Err(why) if in_ci() => panic!("{why}\n{}", self.hint),
            Err(why) => {
                eprintln!("skipped: {why}\n{}", self.hint);
                None
            }
        }
    }

    /// Its interpreter, the virtualenv made under `tmp` on first use, for tests that fail
    /// rather than skip without it.
    ///
    /// # Panics
    ///
    /// When the virtualenv cannot be made or the packages cannot be installed.
    pub fn required_python(&self, tmp: &Path) -> PathBuf {
        self.make(tmp)
            .unwrap_or_else(|why| panic!("{why}\n{}", self.hint))
    }

    fn make(&self, tmp: &Path) -> Result<PathBuf, String> {
        // Tests of one binary run in parallel: one makes the virtualenv, the others wait.
        static MAKING: Mutex<()> = Mutex::new(());
        if let Some(python) = std::env::var_os(self.python_var) {
            return Ok(PathBuf::from(python));
        }
        let _one_at_a_time = MAKING.lock().unwrap_or_else(|e| e.into_inner());
        let venv = tmp.join(self.dir);
        let python = venv.join("bin").join("python");
        let ready = |python: &Path| {
            Command::new(python)
                .args(["-c", self.check])
                .output()
                .is_ok_and(|out| out.status.success())
        };
        if ready(&python) {
            return Ok(python);
        }
        run(Command::new("python3")
            .args(["-m", "venv", "--clear"])
            .arg(&venv))?;
        run(Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(self.packages))?;
        if ready(&python) {
            Ok(python)
        } else {
            Err(format!(
                "{} cannot run `{}` after installing {}",
                python.display(),
                self.check,
                self.packages.join(" ")
            ))
        }
    }
}

fn run(command: &mut Command) -> Result<(), String> {
    let what = format!("{command:?}");
    match command.output() {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err(format!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )),
        Err(e) => Err(format!("cannot start {what}: {e}")),
    }
}
