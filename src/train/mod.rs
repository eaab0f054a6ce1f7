//! (filled in by the train work)
