//! (filled in by the ui work)
