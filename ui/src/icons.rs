//! Icons carry every action and category, for people who read little.

use hanout_domain::Category;
use leptos::prelude::*;

/// A 24×24 stroke icon.
#[component]
pub fn Icon(path: &'static str, #[prop(optional)] class: &'static str) -> impl IntoView {
    view! {
        <svg class=format!("icon {class}") viewBox="0 0 24 24" aria-hidden="true">
            <path d=path />
        </svg>
    }
}

pub const SEARCH: &str = "M10.5 4a6.5 6.5 0 100 13 6.5 6.5 0 000-13zM15.5 15.5L21 21";
pub const PLUS: &str = "M12 5v14M5 12h14";
pub const CHECK: &str = "M5 12.5l4.5 4.5L19 7.5";
pub const CLOSE: &str = "M6 6l12 12M18 6L6 18";
pub const ARCHIVE: &str = "M4 5h16v4H4zM5 9v10h14V9M10 13h4";
pub const STAR: &str = "M12 3l2.8 5.8 6.2.9-4.5 4.3 1 6.2L12 17.3 6.5 20.2l1-6.2L3 9.7l6.2-.9z";
pub const NEXT: &str = "M9 5l7 7-7 7";
pub const CAMERA: &str = "M4 8h3l2-3h6l2 3h3v11H4zM12 10.5a3.5 3.5 0 100 7 3.5 3.5 0 000-7z";
pub const GALLERY: &str = "M4 5h16v14H4zM4 16l5-5 4 4 3-3 4 4M15.5 8.5a1 1 0 100 2 1 1 0 000-2z";
pub const PERSON: &str = "M12 4a4 4 0 100 8 4 4 0 000-8zM4 21c0-4 4-6 8-6s8 2 8 6";

pub const CAMERA_PLUS: &str =
    "M3 8h3l2-3h6l2 3h3v11H3zM11 10.5a3.5 3.5 0 100 7 3.5 3.5 0 000-7zM20 2v5M17.5 4.5h5";
pub const UPLOAD: &str = "M12 16V4M7 9l5-5 5 5M5 20h14";
pub const CLOCK: &str = "M12 3a9 9 0 100 18 9 9 0 000-18zM12 7v5l3 3";
pub const WARNING: &str = "M12 3L2 20h20zM12 10v4M12 17v.5";
pub const TAG: &str = "M3 12V4h8l10 10-8 8zM7.5 7.5v.5";
pub const SHOP: &str = "M4 10v10h16V10M3 5h18l-1 5H4zM9 20v-6h6v6";
pub const CLOUD_OFF: &str = "M7 18h10a4 4 0 000-8 6 6 0 00-11-1.5A4.5 4.5 0 007 18zM4 4l16 16";
pub const CLOUD_DONE: &str = "M7 19h10a4 4 0 000-8 6 6 0 00-11-1.5A4.5 4.5 0 007 19zM9 14l2 2 4-4";
pub const BACKSPACE: &str = "M8 5h12v14H8l-6-7zM11 9l6 6M17 9l-6 6";
pub const MINUS: &str = "M5 12h14";
pub const GLOBE: &str =
    "M12 3a9 9 0 100 18 9 9 0 000-18zM3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18";
pub const PEOPLE: &str = "M9 4a3.5 3.5 0 100 7 3.5 3.5 0 000-7zM2 20c0-3.5 3-5 7-5s7 1.5 7 5M16 4.5a3.5 3.5 0 010 6.5M18 15c2.5.5 4 2 4 5";
pub const PERSON_PLUS: &str =
    "M10 4a4 4 0 100 8 4 4 0 000-8zM2 21c0-4 4-6 8-6s8 2 8 6M19 6v6M16 9h6";
pub const TRASH: &str = "M4 6h16M9 6V4h6v2M6 6l1 14h10l1-14M10 10v6M14 10v6";
pub const RETRY: &str = "M4 12a8 8 0 0114-5.3L20 9M20 4v5h-5M20 12a8 8 0 01-14 5.3L4 15M4 20v-5h5";
pub const WIFI: &str = "M2 9a15 15 0 0120 0M5.5 12.5a10 10 0 0113 0M9 16a5 5 0 016 0M12 19.5v.5";
pub const SIGNAL: &str = "M4 20v-3M9 20v-7M14 20V9M19 20V4";
pub const PAUSE: &str = "M8 5v14M16 5v14";

pub fn category(c: Category) -> &'static str {
    match c {
        Category::Pottery => {
            "M4 16h16l-2 4H6zM5.5 16C6 11 8.5 7.5 12 6c3.5 1.5 6 5 6.5 10M12 6V3.5"
        }
        Category::Carpets => {
            "M5 3h14v18H5zM12 7l4 5-4 5-4-5zM3 6h2M3 10h2M3 14h2M3 18h2M19 6h2M19 10h2M19 14h2M19 18h2"
        }
        Category::Clothing => "M9 3L4 7l2 3 2-1v12h8V9l2 1 2-3-5-4c0 2-1.3 3-3 3S9 5 9 3z",
        Category::Leather => "M5 9h14l-1.5 11h-11zM9 9V7a3 3 0 016 0v2",
        Category::Wood => {
            "M12 3c2.2 0 3.5 2 3.5 4.5S14.2 12 12 12s-3.5-2-3.5-4.5S9.8 3 12 3zM12 12v9"
        }
        Category::Metal => "M12 2v3M8 5h8l2.5 4L16 19H8L5.5 9zM5.5 9h13M10 19v2h4v-2",
        Category::Basketry => {
            "M4 10h16l-2 10H6zM5 10c0-4 3-6.5 7-6.5s7 2.5 7 6.5M6.5 14h11M7.5 17h9"
        }
        Category::Jewellery => "M12 9a5.5 5.5 0 100 11 5.5 5.5 0 000-11zM9 4h6l-3 5z",
        Category::Textiles => "M7 4h10M7 20h10M8 4v16M16 4v16M8 8l8 3M8 12l8 3",
        Category::Stone => "M5 19c0-4.5 3-7 7-7s7 2.5 7 7zM9 12c0-2.5 1.2-4.5 3-4.5s3 2 3 4.5",
        Category::Argan => "M12 3c3 5 6 8 6 12a6 6 0 01-12 0c0-4 3-7 6-12z",
        Category::Other => STAR,
    }
}
pub const PLAY: &str = "M7 4l13 8-13 8z";
pub const EXIT: &str = "M10 5H5v14h5M14 8l4 4-4 4M19 12H9";
pub const BAG: &str = "M5 8h14l-1 12H6zM9 8V6a3 3 0 016 0v2";
