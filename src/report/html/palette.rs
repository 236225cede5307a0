//! Colours that survive colour-blindness: the Okabe–Ito palette (Okabe & Ito, "Color
//! Universal Design", 2008), ordered so the first colours are the most distinct on
//! white, with grey for context (envelopes, other pools) and black for references.
//! Charts show at most [`MAX_SERIES`] individually coloured series; the rest are
//! grouped (an envelope or "other"), so a colour never repeats within a chart.

use plotters::style::RGBColor;

/// The palette, in order of use: blue, orange, bluish green, vermillion, reddish
/// purple, sky blue, yellow, black.
pub(crate) const OKABE_ITO: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0xF0, 0xE4, 0x42),
    RGBColor(0x00, 0x00, 0x00),
];

/// How many series a chart colours individually.
pub const MAX_SERIES: usize = 8;

/// Grey for context (envelopes, grouped series).
pub(crate) const GREY: RGBColor = RGBColor(0x99, 0x99, 0x99);

/// Dark grey for text and axes.
pub(crate) const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);

/// Palette colour `i` (wrapping).
pub(crate) fn color(i: usize) -> RGBColor {
    OKABE_ITO[i % OKABE_ITO.len()]
}
