//! Where the lock lives and how it is written: to a temporary file beside
//! it, flushed to disk, then renamed over the old one, so a crash leaves
//! either the old lock or the new one, never half of one.

use std::io::Write;
use std::path::{Path, PathBuf};

/// `dir/topology.yaml` → `dir/topology.lock.json`.
pub fn default_path(topology: &Path) -> PathBuf {
    let stem = topology.file_stem().map_or_else(|| "topology".into(), |s| s.to_string_lossy().into_owned());
    topology.with_file_name(format!("{stem}.lock.json"))
}

pub fn write_atomic(path: &Path, contents: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new().prefix(".linkplan-lock-").tempfile_in(dir)?;
    tmp.write_all(contents.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_path_is_beside_the_topology() {
        assert_eq!(default_path(Path::new("a/b/topology.yaml")), PathBuf::from("a/b/topology.lock.json"));
        assert_eq!(default_path(Path::new("t.json")), PathBuf::from("t.lock.json"));
    }

    #[test]
    fn writes_replace_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.lock.json");
        write_atomic(&p, "one\n").unwrap();
        write_atomic(&p, "two\n").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two\n");
        // no temporary file is left behind
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
