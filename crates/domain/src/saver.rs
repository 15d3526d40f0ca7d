//! The artisan's data-saver choice: when sync may use the network.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataSaver {
    WifiOnly,
    /// The default: many artisans have no Wi-Fi at all.
    #[default]
    AnyNetwork,
    Paused,
}

impl DataSaver {
    pub const ALL: [DataSaver; 3] = [
        DataSaver::WifiOnly,
        DataSaver::AnyNetwork,
        DataSaver::Paused,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            DataSaver::WifiOnly => "wifi_only",
            DataSaver::AnyNetwork => "any_network",
            DataSaver::Paused => "paused",
        }
    }
}

impl std::str::FromStr for DataSaver {
    type Err = ();
    fn from_str(s: &str) -> Result<DataSaver, ()> {
        DataSaver::ALL.into_iter().find(|d| d.slug() == s).ok_or(())
    }
}
