//! Where a pull of orders stands. Both marketplaces list orders (Etsy's receipts,
//! WooCommerce's orders) changed since a time, oldest change first, a page at a time by
//! offset. Orders change after the sale (shipped, cancelled, refunded), and a change moves
//! the order to the end of that list: every order after it moves up one place, and an
//! offset counted before the move would step over one of them, for good.
//!
//! So each page but the first starts one place early, on the last order already read
//! (the anchor). If the anchor is not there, something before it moved: the pull starts
//! again from the beginning of its window, reading again what it read (harmless: a line
//! applies once per state) rather than skipping.
//!
//! One move escapes the anchor: an order that changes in the very second of orders
//! already read is sorted among them (ties go by id), so it can leave one place before
//! the anchor and land in another, and nothing shifts. Such a change happens while the
//! pull reads, so it is no older than the marketplace's clock when the pull began (its
//! `Date` header): once the end is reached, the window moves up to the newest change
//! seen, but never past that time. Changes older than it were settled before the pull
//! began, and the anchor saw every move among them.

use std::fmt;

use hanout_sync::{OrderLine, RemoteChanges};

/// An order as the list showed it: its id and when it last changed, in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Seen {
    pub id: u64,
    pub modified: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Cursor {
    /// The window starts at this second (inclusive).
    pub since: i64,
    /// Orders of the window read so far, in the list's order.
    read: u64,
    /// The last of them: the next page must start on it.
    anchor: Option<Seen>,
    /// The marketplace's time when this pass over the window began.
    began: Option<i64>,
}

impl Cursor {
    pub fn from(since: i64) -> Cursor {
        Cursor {
            since,
            read: 0,
            anchor: None,
            began: None,
        }
    }

    /// Reads a cursor this module wrote; `None` for anything else (the adapter then reads
    /// its older forms, or starts from the beginning).
    pub fn parse(text: &str) -> Option<Cursor> {
        let fields: Vec<&str> = text.strip_prefix("v2:")?.split(':').collect();
        let [since, read, began, anchor @ ..] = fields.as_slice() else {
            return None;
        };
        let number = |t: &str| t.parse::<i64>().ok();
        let anchor = match anchor {
            [] => None,
            [id, modified] => Some(Seen {
                id: id.parse().ok()?,
                modified: number(modified)?,
            }),
            _ => return None,
        };
        let cursor = Cursor {
            since: number(since)?,
            read: read.parse().ok()?,
            anchor,
            began: match *began {
                "-" => None,
                began => Some(number(began)?),
            },
        };
        (cursor.anchor.is_some() == (cursor.read > 0)).then_some(cursor)
    }

    /// The offset of the next page: one early, on the anchor.
    pub fn offset(&self) -> u64 {
        self.read.saturating_sub(1)
    }

    /// The cursor after `page`, the answer to a request at [`Cursor::offset`] for at
    /// most `limit` orders (at least 2: one of them is the anchor) that the marketplace
    /// gave at `server_time` (its clock, in seconds), and whether more pages follow.
    pub fn after(&self, page: &[Seen], limit: usize, server_time: Option<i64>) -> (Cursor, bool) {
        // Without the marketplace's clock, the newest change on the first page stands
        // in for it: no change during the pull is older.
        let began = self
            .began
            .or(server_time)
            .or_else(|| page.iter().map(|s| s.modified).max());
        if let Some(anchor) = self.anchor
            && page.first() != Some(&anchor)
        {
            // An order before the anchor (or the anchor itself) moved to the end.
            return (
                Cursor {
                    began,
                    ..Cursor::from(self.since)
                },
                true,
            );
        }
        let Some(last) = page.last() else {
            return (*self, false);
        };
        if page.len() < limit {
            // The end: the next pass reads what changed from the newest change seen on,
            // or from when this pass began, whichever is older.
            let newest = last.modified.max(self.since);
            let since = began.map_or(newest, |b| newest.min(b)).max(self.since);
            return (Cursor::from(since), false);
        }
        let cursor = Cursor {
            since: self.since,
            read: self.offset() + page.len() as u64,
            anchor: Some(*last),
            began,
        };
        (cursor, true)
    }
}

impl Cursor {
    /// A page's order lines, with this cursor to read on from.
    pub fn changes(self, lines: Vec<OrderLine>, more: bool) -> RemoteChanges {
        RemoteChanges {
            lines,
            changed: Vec::new(),
            cursor: self.to_string(),
            more,
        }
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v2:{}:{}:", self.since, self.read)?;
        match self.began {
            Some(began) => write!(f, "{began}")?,
            None => f.write_str("-")?,
        }
        if let Some(anchor) = self.anchor {
            write!(f, ":{}:{}", anchor.id, anchor.modified)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    /// What can happen between two pages: a new order, an order changing, time passing.
    #[derive(Clone, Debug)]
    enum Event {
        New,
        Change(usize),
        Tick(i64),
        Page,
    }

    fn events() -> impl Strategy<Value = Vec<Event>> {
        prop::collection::vec(
            prop_oneof![
                2 => Just(Event::New),
                2 => (0usize..64).prop_map(Event::Change),
                1 => (0i64..3).prop_map(Event::Tick),
                3 => Just(Event::Page),
            ],
            0..200,
        )
    }

    /// A marketplace's list: orders changed at or after `since`, oldest change first,
    /// ties by id, `limit` of them from `offset`.
    fn list(orders: &BTreeMap<u64, i64>, since: i64, offset: u64, limit: usize) -> Vec<Seen> {
        let mut all: Vec<Seen> = orders
            .iter()
            .filter(|&(_, modified)| *modified >= since)
            .map(|(&id, &modified)| Seen { id, modified })
            .collect();
        all.sort_by_key(|s| (s.modified, s.id));
        all.into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(limit)
            .collect()
    }

    proptest! {
        /// However orders are added and changed between pages, a puller that reads page
        /// after page sees every order's latest change once the orders stop changing.
        #[test]
        fn a_pull_never_skips_an_order_however_the_list_shifts(events in events(), limit in 2usize..6) {
            let mut orders: BTreeMap<u64, i64> = BTreeMap::new();
            let mut now = 1_000;
            let mut cursor = Cursor::from(0);
            // What the puller saw last of each order.
            let mut seen: BTreeMap<u64, i64> = BTreeMap::new();
            let page = |cursor: &mut Cursor, orders: &BTreeMap<u64, i64>, seen: &mut BTreeMap<u64, i64>, now: i64| {
                let got = list(orders, cursor.since, cursor.offset(), limit);
                for s in &got {
                    seen.insert(s.id, s.modified);
                }
                let (next, more) = cursor.after(&got, limit, Some(now));
                *cursor = next;
                more
            };
            for event in events {
                match event {
                    Event::New => {
                        let id = orders.len() as u64 + 1;
                        orders.insert(id, now);
                    }
                    Event::Change(n) => {
                        if !orders.is_empty() {
                            let id = (n % orders.len()) as u64 + 1;
                            orders.insert(id, now);
                        }
                    }
                    Event::Tick(seconds) => now += seconds,
                    Event::Page => {
                        page(&mut cursor, &orders, &mut seen, now);
                    }
                }
            }
            // The orders stop changing; the puller reads to the end, twice over (a pull
            // that ends and the next one), within a bounded number of pages.
            let mut pages = 0;
            for _ in 0..2 {
                while page(&mut cursor, &orders, &mut seen, now) {
                    pages += 1;
                    prop_assert!(pages < 10_000, "the pull never ends");
                }
            }
            prop_assert_eq!(seen, orders);
        }
    }

    #[test]
    fn a_cursor_reads_back_as_it_was_written() {
        let cursor = Cursor {
            since: 1_795_478_400,
            read: 100,
            anchor: Some(Seen {
                id: 42,
                modified: 1_795_478_460,
            }),
            began: Some(1_795_478_470),
        };
        assert_eq!(Cursor::parse(&cursor.to_string()), Some(cursor));
        assert_eq!(
            Cursor::parse(&Cursor::from(7).to_string()),
            Some(Cursor::from(7))
        );
        assert_eq!(Cursor::parse("1795478400:3"), None, "the older form");
        assert_eq!(Cursor::parse("v2:1:5:-"), None, "read without an anchor");
    }
}
