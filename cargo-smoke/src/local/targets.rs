//! Finding the smoke targets: test targets and bins that follow the convention, in
//! `cargo metadata`'s output.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::Cli;

/// A smoke target of the workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmokeTarget {
    /// The package's name.
    pub package: String,
    /// The directory of the package's Cargo.toml.
    pub package_dir: PathBuf,
    /// The target's name.
    pub target: String,
    /// A test target, or a bin.
    pub kind: TargetKind,
}

/// What kind of target a smoke target is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetKind {
    /// A `harness = false` test target (built by `cargo test --no-run`).
    Test,
    /// A binary (built by `cargo build --bin`).
    Bin,
}

impl TargetKind {
    pub(crate) fn cargo_kind(self) -> &'static str {
        match self {
            TargetKind::Test => "test",
            TargetKind::Bin => "bin",
        }
    }
}

/// Which targets are smoke targets: test targets and bins, by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Wanted {
    /// Names of test targets.
    pub tests: Vec<String>,
    /// Names of bins.
    pub bins: Vec<String>,
}

impl Wanted {
    /// What the command line asks for: `--test` and `--bin` names, or the test targets
    /// named `smoke` when it names none.
    pub fn from_cli(cli: &Cli) -> Wanted {
        if cli.tests.is_empty() && cli.bins.is_empty() {
            return Wanted {
                tests: vec!["smoke".to_owned()],
                bins: Vec::new(),
            };
        }
        Wanted {
            tests: cli.tests.clone(),
            bins: cli.bins.clone(),
        }
    }

    fn kind_of(&self, kinds: &[Value], name: &str) -> Option<TargetKind> {
        let has = |k: &str| kinds.iter().any(|v| v == k);
        if has("test") && self.tests.iter().any(|n| n == name) {
            Some(TargetKind::Test)
        } else if has("bin") && self.bins.iter().any(|n| n == name) {
            Some(TargetKind::Bin)
        } else {
            None
        }
    }

    pub(crate) fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.tests.is_empty() {
            parts.push(format!("test target named {}", self.tests.join(" or ")));
        }
        if !self.bins.is_empty() {
            parts.push(format!("bin named {}", self.bins.join(" or ")));
        }
        parts.join(" and no ")
    }
}

/// The smoke targets in the output of `cargo metadata --format-version 1 --no-deps`:
/// the targets `wanted`, of the packages in `packages` (all when empty).
pub fn find_targets(metadata: &Value, wanted: &Wanted, packages: &[String]) -> Vec<SmokeTarget> {
    let mut found = Vec::new();
    let Some(list) = metadata.get("packages").and_then(Value::as_array) else {
        return found;
    };
    for package in list {
        let name = package.get("name").and_then(Value::as_str).unwrap_or("");
        if !packages.is_empty() && !packages.iter().any(|p| p == name) {
            continue;
        }
        let manifest = package
            .get("manifest_path")
            .and_then(Value::as_str)
            .unwrap_or("");
        let package_dir = Path::new(manifest)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let targets = package
            .get("targets")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for target in targets {
            let target_name = target.get("name").and_then(Value::as_str).unwrap_or("");
            let kinds = target
                .get("kind")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            if let Some(kind) = wanted.kind_of(kinds, target_name) {
                found.push(SmokeTarget {
                    package: name.to_owned(),
                    package_dir: package_dir.clone(),
                    target: target_name.to_owned(),
                    kind,
                });
            }
        }
    }
    found
}

/// The member whose directory holds `dir`, as `cargo test` picks it, when that is not the
/// workspace's root package (run from the root, every member is meant).
pub fn current_member(metadata: &Value, dir: &Path) -> Option<String> {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let root = metadata
        .get("workspace_root")
        .and_then(Value::as_str)
        .map(|r| {
            Path::new(r)
                .canonicalize()
                .unwrap_or_else(|_| PathBuf::from(r))
        })?;
    let mut best: Option<(usize, String)> = None;
    for package in metadata.get("packages")?.as_array()? {
        let Some(manifest) = package.get("manifest_path").and_then(Value::as_str) else {
            continue;
        };
        let Some(package_dir) = Path::new(manifest).parent() else {
            continue;
        };
        let package_dir = package_dir
            .canonicalize()
            .unwrap_or_else(|_| package_dir.to_path_buf());
        if package_dir == root || !dir.starts_with(&package_dir) {
            continue;
        }
        let depth = package_dir.components().count();
        if best.as_ref().is_none_or(|(d, _)| depth > *d) {
            let name = package.get("name").and_then(Value::as_str)?.to_owned();
            best = Some((depth, name));
        }
    }
    best.map(|(_, name)| name)
}
