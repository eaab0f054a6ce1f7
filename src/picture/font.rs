//! The 8×8 bitmap font pictures are lettered in: the public-domain font8x8
//! tables (ASCII, Latin-1, Greek, box drawing, blocks) and a few glyphs the
//! lab's panes use that they lack (‖ ∂ → ★ ▶ ▸ ▾ ⏸ ≥ ≤ × — …). A glyph is 8 rows,
//! bit 0 of each the leftmost pixel.

use font8x8::UnicodeFonts;

/// Glyphs the font8x8 tables lack, drawn here: `#` is ink.
const EXTRA: &[(char, [&str; 8])] = &[
    (
        '‖',
        [
            ".##.##..", ".##.##..", ".##.##..", ".##.##..", ".##.##..", ".##.##..", ".##.##..",
            "........",
        ],
    ),
    (
        '∂',
        [
            "..###...", ".....#..", "......#.", "..####..", ".#...#..", ".#...#..", "..###...",
            "........",
        ],
    ),
    (
        '→',
        [
            "........", "....#...", ".....#..", "#######.", ".....#..", "....#...", "........",
            "........",
        ],
    ),
    (
        '★',
        [
            "...#....", "...#....", "#######.", ".#####..", "..###...", ".##.##..", "##...##.",
            "........",
        ],
    ),
    (
        '▶',
        [
            ".#......", ".###....", ".#####..", ".######.", ".#####..", ".###....", ".#......",
            "........",
        ],
    ),
    (
        '▸',
        [
            "........", ".#......", ".###....", ".#####..", ".###....", ".#......", "........",
            "........",
        ],
    ),
    (
        '▾',
        [
            "........", "........", "#######.", ".#####..", "..###...", "...#....", "........",
            "........",
        ],
    ),
    (
        '⏸',
        [
            "........", ".##.##..", ".##.##..", ".##.##..", ".##.##..", ".##.##..", "........",
            "........",
        ],
    ),
    (
        '≥',
        [
            ".##.....", "...##...", ".....##.", "...##...", ".##.....", "........", "#######.",
            "........",
        ],
    ),
    (
        '≤',
        [
            ".....##.", "...##...", ".##.....", "...##...", ".....##.", "........", "#######.",
            "........",
        ],
    ),
    (
        '×',
        [
            "........", "##...##.", ".##.##..", "..###...", ".##.##..", "##...##.", "........",
            "........",
        ],
    ),
    (
        '—',
        [
            "........", "........", "........", "########", "........", "........", "........",
            "........",
        ],
    ),
    (
        '…',
        [
            "........", "........", "........", "........", "........", "........", "#..#..#.",
            "........",
        ],
    ),
];

/// An unknown character: a hollow box, so a missing glyph shows.
const UNKNOWN: [u8; 8] = [0x00, 0x7e, 0x42, 0x42, 0x42, 0x42, 0x7e, 0x00];

/// The 8 rows of `c`'s glyph (a hollow box when the font has none).
pub fn glyph(c: char) -> [u8; 8] {
    if c == ' ' {
        return [0; 8];
    }
    if let Some((_, rows)) = EXTRA.iter().find(|(e, _)| *e == c) {
        return rows.map(|row| {
            row.bytes()
                .enumerate()
                .fold(0u8, |bits, (i, b)| bits | (u8::from(b == b'#') << i))
        });
    }
    font8x8::BASIC_FONTS
        .get(c)
        .or_else(|| font8x8::LATIN_FONTS.get(c))
        .or_else(|| font8x8::GREEK_FONTS.get(c))
        .or_else(|| font8x8::BOX_FONTS.get(c))
        .or_else(|| font8x8::BLOCK_FONTS.get(c))
        .or_else(|| font8x8::MISC_FONTS.get(c))
        .unwrap_or(UNKNOWN)
}

/// Whether `c` is a combining mark drawn over the glyph before it (ρ̂).
pub fn is_combining(c: char) -> bool {
    ('\u{0300}'..='\u{036f}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_box_lines_and_extras_have_ink_and_unknowns_show_a_box() {
        for c in [
            'A', 'g', '0', 'ρ', 'λ', '─', '│', '┌', '‖', '★', '▶', '²', '·',
        ] {
            assert!(glyph(c).iter().any(|&r| r != 0), "{c} has no ink");
        }
        assert_eq!(glyph(' '), [0; 8]);
        assert_eq!(glyph('\u{e000}'), UNKNOWN);
        // Bit 0 is the leftmost pixel: '→' ends in its rightmost ink column.
        assert_eq!(glyph('→')[3], 0x7f);
        assert!(is_combining('\u{0302}') && !is_combining('ρ'));
    }
}
