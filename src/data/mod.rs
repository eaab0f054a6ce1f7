//! SCAFFOLDING for the ui branch only: replaced by the data branch at merge.
use serde::{Deserialize, Serialize};
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    Mnist,
    Digits,
    Idx,
    Csv,
    Images,
    Npy,
    Toy,
}
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DataSpec {
    pub source: Source,
    pub path: Option<std::path::PathBuf>,
    pub limit: Option<usize>,
    pub validation: f64,
}
impl Default for DataSpec {
    fn default() -> Self {
        DataSpec {
            source: Source::Mnist,
            path: None,
            limit: None,
            validation: 0.1,
        }
    }
}
