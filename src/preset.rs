//! Presets
