//! Where the lock lives and how it is written: to a temporary file beside
//! it, flushed to disk, then renamed over the old one, so a crash leaves
//! either the old lock or the new one, never half of one. The file is
//! created with mode 0666 less the umask, as any file the user's tools
//! write (a temporary file's own 0600 would make a shared lock unreadable
//! to the rest of the team).

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
    let mut builder = tempfile::Builder::new();
    builder.prefix(".linkplan-lock-");
    // open(2) applies the umask to the mode asked for
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
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
