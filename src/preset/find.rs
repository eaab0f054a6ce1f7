//! Finding a preset: a file on disk (the path given, or `presets/NAME.toml`
//! under the current folder) wins; otherwise the copy of `presets/` built
//! into the binary, so an installed `aelab` has its presets anywhere.

use std::path::PathBuf;

/// The bundled presets, (name, text): `presets/*.toml` as they were built
/// (a test checks that this list matches the folder).
pub const BUNDLED: &[(&str, &str)] = &[
    ("anomalies", include_str!("../../presets/anomalies.toml")),
    (
        "contractive",
        include_str!("../../presets/contractive.toml"),
    ),
    ("dae-vs-cae", include_str!("../../presets/dae-vs-cae.toml")),
    ("demo", include_str!("../../presets/demo.toml")),
    ("denoising", include_str!("../../presets/denoising.toml")),
    ("features", include_str!("../../presets/features.toml")),
    ("k-sparse", include_str!("../../presets/k-sparse.toml")),
    ("masking", include_str!("../../presets/masking.toml")),
    (
        "natural-images",
        include_str!("../../presets/natural-images.toml"),
    ),
    ("pca-digits", include_str!("../../presets/pca-digits.toml")),
    ("sparse", include_str!("../../presets/sparse.toml")),
    ("stacked", include_str!("../../presets/stacked.toml")),
    ("tied", include_str!("../../presets/tied.toml")),
    (
        "toy-manifold",
        include_str!("../../presets/toy-manifold.toml"),
    ),
    ("vae", include_str!("../../presets/vae.toml")),
    ("vae-2d", include_str!("../../presets/vae-2d.toml")),
    ("vanilla", include_str!("../../presets/vanilla.toml")),
    (
        "weight-decay",
        include_str!("../../presets/weight-decay.toml"),
    ),
];

/// How a preset built into the binary is named in messages and checkpoints.
pub const BUNDLED_ORIGIN: &str = "bundled preset ";

/// The short name of the preset an origin names: `demo` for
/// "bundled preset demo", "presets/demo.toml" or "/x/demo.toml", which
/// `Preset::open` finds again from any folder.
pub fn name_of(origin: &str) -> String {
    let origin = origin.strip_prefix(BUNDLED_ORIGIN).unwrap_or(origin);
    std::path::Path::new(origin)
        .file_stem()
        .map_or(origin.to_string(), |s| s.to_string_lossy().into_owned())
}

/// The names of the bundled presets, sorted.
pub fn bundled() -> Vec<String> {
    BUNDLED.iter().map(|(name, _)| name.to_string()).collect()
}

/// The text of the bundled preset `name` (also as `presets/NAME.toml`).
pub fn bundled_text(name: &str) -> Option<&'static str> {
    let name = name.strip_prefix("./").unwrap_or(name);
    let name = name.strip_prefix("presets/").unwrap_or(name);
    let name = name.strip_suffix(".toml").unwrap_or(name);
    BUNDLED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// The file a name on the command line means on disk: the path itself, or
/// `presets/NAME.toml` under the current folder; the path as given when
/// neither exists (then a bundled preset of that name may serve).
pub fn find(name: &str) -> PathBuf {
    let direct = PathBuf::from(name);
    if direct.exists() {
        return direct;
    }
    let candidate = PathBuf::from("presets").join(format!("{name}.toml"));
    if candidate.exists() {
        return candidate;
    }
    direct
}

/// The first sentence of a preset's header comment (its leading `#` lines), on one line.
pub fn summary(text: &str) -> String {
    let comment: Vec<&str> = text
        .lines()
        .map_while(|l| l.strip_prefix('#'))
        .map(str::trim)
        .collect();
    let joined = comment.join(" ");
    // A sentence ends at ". " before a capital letter (so "et al. (2010)" does not end one).
    let chars: Vec<char> = joined.chars().collect();
    let end = (0..chars.len().saturating_sub(2))
        .find(|&i| chars[i] == '.' && chars[i + 1] == ' ' && chars[i + 2].is_uppercase())
        .map_or(chars.len(), |i| i + 1);
    chars[..end].iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_is_the_first_sentence_of_the_header() {
        let text = "# One (Vincent et al. (2010)): a line\n# goes on. Second one.\nname = \"x\"\n# not header\n";
        assert_eq!(
            summary(text),
            "One (Vincent et al. (2010)): a line goes on."
        );
        assert_eq!(summary("name = \"x\"\n"), "");
        assert!(bundled_text("presets/demo.toml").is_some() && bundled_text("demo").is_some());
        assert!(bundled_text("nope").is_none());
    }

    /// Every presets/*.toml is bundled as it is on disk, and nothing else.
    #[test]
    fn the_bundle_is_the_presets_folder() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("presets");
        let mut on_disk: Vec<(String, String)> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .map(|p| {
                let name = p.file_stem().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&p).unwrap())
            })
            .collect();
        on_disk.sort();
        let bundled: Vec<(String, String)> = BUNDLED
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        assert_eq!(bundled, on_disk);
    }
}
