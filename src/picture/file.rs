//! Writing a picture: PNG bytes into a temporary file in the same folder,
//! then renamed over the target, so a reader never sees half a file.

use image::{ImageEncoder, RgbImage};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// A picture that could not be written; the message names the file.
#[derive(Debug, thiserror::Error)]
pub enum PictureError {
    #[error("{file}: cannot write: {error}")]
    Write { file: String, error: std::io::Error },
    #[error("{file}: cannot encode the PNG: {error}")]
    Encode {
        file: String,
        error: image::ImageError,
    },
}

/// Writes `bytes` to `path` atomically (`files::write_atomic`), naming the file in the error.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), PictureError> {
    crate::files::write_atomic(path, bytes).map_err(|error| PictureError::Write {
        file: path.display().to_string(),
        error,
    })
}

/// Encodes `image` as PNG and writes it atomically to `path`.
pub fn save_png(path: &Path, image: &RgbImage) -> Result<(), PictureError> {
    let mut bytes = Vec::new();
    image::codecs::png::PngEncoder::new(&mut bytes)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgb8,
        )
        .map_err(|error| PictureError::Encode {
            file: path.display().to_string(),
            error,
        })?;
    write_atomic(path, &bytes)
}

/// The time now in UTC as `YYYYMMDD-HHMMSS`, for file names that sort by time.
pub fn timestamp() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format_utc(secs)
}

/// Seconds since 1970 as `YYYYMMDD-HHMMSS` (UTC; Howard Hinnant's civil-from-days).
fn format_utc(secs: u64) -> String {
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}-{:02}{:02}{:02}",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates_match_known_instants() {
        assert_eq!(format_utc(0), "19700101-000000");
        // 2000-02-29 12:34:56 UTC, a leap day.
        assert_eq!(format_utc(951_827_696), "20000229-123456");
        assert_eq!(format_utc(1_767_225_599), "20251231-235959");
    }

    #[test]
    fn a_png_is_written_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.png");
        save_png(&path, &RgbImage::new(3, 2)).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
        let missing = dir.path().join("no/such/dir/b.png");
        let err = save_png(&missing, &RgbImage::new(1, 1))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(&missing.display().to_string()), "{err}");
    }
}
