use smoke_runtime::prelude::*;

struct Storage {
    dir: std::path::PathBuf,
}

#[smoke_suite]
impl Storage {
    fn test_dir_exists(&mut self) -> SmokeResult {
        let _ = self.dir.exists();
        Ok(())
    }
}

fn main() {}
