//! The bundled data sets built into the binary (3.9 MB): the MNIST test
//! set, the 8x8 digits and the photographs of `data/`, so an installed
//! `aelab` trains on them from any folder. Files on disk win (`file.rs`
//! looks there first); these answer for the paths `data/…` when they are
//! not there. A test checks this list against the folder.

use std::path::{Component, Path, PathBuf};

/// (path relative to the crate, contents).
pub const FILES: &[(&str, &[u8])] = &[
    (
        "data/digits/digits.csv.gz",
        include_bytes!("../../data/digits/digits.csv.gz"),
    ),
    (
        "data/images/astronaut.png",
        include_bytes!("../../data/images/astronaut.png"),
    ),
    (
        "data/images/brick.png",
        include_bytes!("../../data/images/brick.png"),
    ),
    (
        "data/images/camera.png",
        include_bytes!("../../data/images/camera.png"),
    ),
    (
        "data/images/chelsea.png",
        include_bytes!("../../data/images/chelsea.png"),
    ),
    (
        "data/images/coffee.png",
        include_bytes!("../../data/images/coffee.png"),
    ),
    (
        "data/images/grass.png",
        include_bytes!("../../data/images/grass.png"),
    ),
    (
        "data/images/gravel.png",
        include_bytes!("../../data/images/gravel.png"),
    ),
    (
        "data/images/moon.png",
        include_bytes!("../../data/images/moon.png"),
    ),
    (
        "data/images/rocket.jpg",
        include_bytes!("../../data/images/rocket.jpg"),
    ),
    (
        "data/mnist/t10k-images-idx3-ubyte.gz",
        include_bytes!("../../data/mnist/t10k-images-idx3-ubyte.gz"),
    ),
    (
        "data/mnist/t10k-labels-idx1-ubyte.gz",
        include_bytes!("../../data/mnist/t10k-labels-idx1-ubyte.gz"),
    ),
];

/// `path` as a bundled key: relative, `/`-separated, no `.` parts.
fn key(path: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = path
        .components()
        .filter(|c| *c != Component::CurDir)
        .map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    Some(parts?.join("/"))
}

/// The contents of a bundled file.
pub fn file(path: &Path) -> Option<&'static [u8]> {
    let key = key(path)?;
    FILES
        .iter()
        .find(|(p, _)| *p == key)
        .map(|(_, bytes)| *bytes)
}

/// The bundled files directly inside `path`, if it is a bundled folder.
pub fn dir(path: &Path) -> Option<Vec<PathBuf>> {
    let key = key(path)?;
    let prefix = format!("{key}/");
    let inside: Vec<PathBuf> = FILES
        .iter()
        .filter_map(|(p, _)| p.strip_prefix(&prefix))
        .filter(|rest| !rest.contains('/'))
        .map(|name| path.join(name))
        .collect();
    (!inside.is_empty()).then_some(inside)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_paths_are_found_with_or_without_dot() {
        assert!(file(Path::new("./data/digits/digits.csv.gz")).is_some());
        assert!(file(Path::new("data/digits")).is_none());
        assert_eq!(dir(Path::new("data/mnist")).map(|d| d.len()), Some(2));
        assert!(dir(Path::new("/data/mnist")).is_none());
    }

    /// Every file under data/ (but its README) is bundled, byte for byte.
    #[test]
    fn the_bundle_is_the_data_folder() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut on_disk = Vec::new();
        for set in ["mnist", "digits", "images"] {
            for entry in std::fs::read_dir(root.join("data").join(set)).unwrap() {
                let name = entry.unwrap().file_name().to_string_lossy().into_owned();
                on_disk.push(format!("data/{set}/{name}"));
            }
        }
        on_disk.sort();
        let bundled: Vec<&str> = FILES.iter().map(|(p, _)| *p).collect();
        assert_eq!(bundled, on_disk);
        for (p, bytes) in FILES {
            assert!(
                std::fs::read(root.join(p)).unwrap() == *bytes,
                "{p} differs"
            );
        }
    }
}
