//! The sync engine's state in the catalog file: marketplace accounts, lanes (a product on
//! a marketplace, with what the marketplace last confirmed), requests under way and sales
//! pulled back. The engine decides; this module only records, each decision in one
//! transaction.

use std::collections::BTreeMap;

use hanout_domain::{CooperativeId, OperationId, ProductId, ProductStatus, Timestamp};
use hanout_sync::{
    Confirmed, InFlight, Lane, LaneKey, Listing, MarketplaceId, Operation, OrderLine, OrderState,
    RemoteChanges, RemoteId, SendState, WhenSoldOut,
};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use crate::catalog::{ChangeKind, log};
use crate::rows::{ENTRY_COLUMNS, Json, Parsed, entry, json};
use crate::{Catalog, StoreError};

/// A marketplace account of the cooperative.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketplaceAccount {
    pub id: MarketplaceId,
    pub cooperative: CooperativeId,
    /// etsy, woocommerce, sandbox: which adapter speaks to it.
    pub kind: String,
    pub name: String,
    /// A `Retry-After` not yet past: nothing is sent before it.
    pub paused_until: Option<Timestamp>,
    pub needs_sign_in: bool,
    pub pull_cursor: Option<String>,
    pub last_sync_at: Option<Timestamp>,
    /// How the account is reached (JSON the adapter reads). Never a secret.
    pub settings: String,
}

/// A sale pulled back from a marketplace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sale {
    pub marketplace: MarketplaceId,
    pub product: ProductId,
    pub quantity: u32,
    /// When the catalog learned of it.
    pub at: Timestamp,
}

/// An order line that sold pieces the stock no longer had: two shops sold the last piece,
/// or a shop sold one the artisan had taken off. The artisan contacts one of the buyers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Oversell {
    pub product: ProductId,
    /// The line that found the stock short.
    pub line: SoldLine,
    /// Pieces sold that were not there.
    pub missing: u32,
    /// When the catalog found it.
    pub at: Timestamp,
    /// The other lines of the product that hold its pieces: the other buyers.
    pub holders: Vec<SoldLine>,
}

/// An order line as the catalog applied it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedLine {
    pub product: ProductId,
    pub state: OrderState,
    /// Pieces it took from the stock.
    pub taken: u32,
}

/// One line of an order, as the artisan finds it on the marketplace's website.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoldLine {
    pub marketplace: MarketplaceId,
    /// The marketplace's id for the line.
    pub line: String,
    pub order: Option<String>,
    pub buyer: Option<String>,
    pub quantity: u32,
}

/// One lane as the engine reads it: the planner's input and the lane's bookkeeping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaneState {
    pub key: LaneKey,
    pub lane: Lane,
    /// The ids of `lane.in_flight`, in the same order.
    pub operations: Vec<OperationId>,
    /// Why the lane waits for a person. A failure belongs to the wish that failed: once
    /// the artisan changes the product, it no longer applies and is not reported.
    pub failure: Option<String>,
    /// Failures in a row, for the backoff.
    pub failures: u32,
    pub next_attempt: Timestamp,
}

impl LaneState {
    /// What the planner would send next in this lane, in order.
    pub fn plan(&self) -> Vec<Operation> {
        hanout_sync::plan(
            self.lane.desired.as_ref(),
            self.lane.confirmed.as_ref(),
            &self.lane.in_flight,
        )
    }

    /// Everything this lane still needs, what waits for a create included: what the
    /// artisan is told is waiting.
    pub fn ahead(&self) -> Vec<Operation> {
        hanout_sync::ahead(
            self.lane.desired.as_ref(),
            self.lane.confirmed.as_ref(),
            &self.lane.in_flight,
        )
    }
}

/// What became of an operation, as the engine judged it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LaneOutcome {
    /// It happened: the marketplace shows `Some(confirmed)`, or nothing. After a look-up
    /// every operation of the lane is settled.
    Confirmed(Option<Confirmed>),
    /// It may or may not have happened: the lane is looked up from `next_attempt`.
    Unknown { next_attempt: Timestamp },
    /// It did not happen: try again from `next_attempt`.
    Retry { next_attempt: Timestamp },
    /// The marketplace does not know the listing any more: look it up from
    /// `next_attempt`, instead of sending the operation again.
    LookUp { next_attempt: Timestamp },
    /// It waits for a person, with the reason in the marketplace's words. `confirmed` is
    /// what is known of the listing now (`None` when it was deleted on the website).
    Failed {
        reason: String,
        confirmed: Option<Confirmed>,
    },
}

const ACCOUNT_COLUMNS: &str = "id, cooperative_id, kind, name, paused_until, needs_sign_in, \
    pull_cursor, last_sync_at, settings";

fn account(r: &rusqlite::Row<'_>) -> rusqlite::Result<MarketplaceAccount> {
    Ok(MarketplaceAccount {
        id: MarketplaceId::new(r.get::<_, String>(0)?),
        cooperative: r.get::<_, Parsed<_>>(1)?.0,
        kind: r.get(2)?,
        name: r.get(3)?,
        paused_until: r.get::<_, Option<i64>>(4)?.map(Timestamp),
        needs_sign_in: r.get(5)?,
        pull_cursor: r.get(6)?,
        last_sync_at: r.get::<_, Option<i64>>(7)?.map(Timestamp),
        settings: r.get(8)?,
    })
}

impl Catalog {
    /// Adds a marketplace account to a cooperative. Its secrets live elsewhere, never here.
    /// An account removed earlier comes back with the listings it had, so nothing is
    /// listed twice.
    pub fn add_marketplace(
        &mut self,
        id: &MarketplaceId,
        cooperative: CooperativeId,
        kind: &str,
        name: &str,
    ) -> Result<MarketplaceAccount, StoreError> {
        self.conn.execute(
            "INSERT INTO marketplace (id, cooperative_id, kind, name, created_at) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET removed_at = NULL, cooperative_id = excluded.cooperative_id, \
             kind = excluded.kind, name = excluded.name WHERE removed_at IS NOT NULL",
            params![id.as_str(), cooperative.to_string(), kind, name, self.now().millis()],
        )?;
        self.marketplace(id)
    }

    /// Removes an account, refused while any change for it is unsent (failed ones
    /// included: the artisan retries or discards them first). Its listings and sales stay
    /// in the record.
    pub fn remove_marketplace(&mut self, id: &MarketplaceId) -> Result<(), StoreError> {
        let account = self.marketplace(id)?;
        let changes: usize = self
            .sync_lanes()?
            .iter()
            .filter(|l| &l.key.marketplace == id)
            .map(|l| l.ahead().len().max(l.lane.in_flight.len()))
            .sum();
        if changes > 0 {
            return Err(StoreError::Unsent {
                marketplace: account.name,
                changes,
            });
        }
        self.conn.execute(
            "UPDATE marketplace SET removed_at = ? WHERE id = ?",
            params![self.now().millis(), id.as_str()],
        )?;
        Ok(())
    }

    /// Replaces how the account is reached (see [`MarketplaceAccount::settings`]).
    pub fn set_marketplace_settings(
        &mut self,
        id: &MarketplaceId,
        settings: &str,
    ) -> Result<(), StoreError> {
        let changed = self.conn.execute(
            "UPDATE marketplace SET settings = ? WHERE id = ?",
            params![settings, id.as_str()],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound {
                what: "marketplace",
                id: id.to_string(),
            });
        }
        Ok(())
    }

    pub fn marketplace(&self, id: &MarketplaceId) -> Result<MarketplaceAccount, StoreError> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {ACCOUNT_COLUMNS} FROM marketplace WHERE id = ? AND removed_at IS NULL"
                ),
                [id.as_str()],
                account,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "marketplace",
                id: id.to_string(),
            })
    }

    pub fn marketplaces(&self) -> Result<Vec<MarketplaceAccount>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM marketplace WHERE removed_at IS NULL ORDER BY id"
        ))?;
        let rows = stmt.query_map([], account)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Puts a product on a marketplace (`wanted`), shown to buyers or not (`published`),
    /// or takes it off. The artisan's choice is a fresh start: any failure is forgotten
    /// and the lane is tried at once.
    pub fn set_listing(
        &mut self,
        product: ProductId,
        marketplace: &MarketplaceId,
        wanted: bool,
        published: bool,
    ) -> Result<(), StoreError> {
        self.product(product)?;
        self.marketplace(marketplace)?;
        self.conn.execute(
            "INSERT INTO listing (product_id, marketplace_id, wanted, published) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT DO UPDATE SET wanted = ?3, published = ?4, failure = NULL, \
             failed_for = NULL, failures = 0, next_attempt = 0",
            params![product.to_string(), marketplace.as_str(), wanted, published],
        )?;
        Ok(())
    }

    /// The marketplaces a product is wanted on, of the accounts there are.
    pub fn wanted_on(&self, product: ProductId) -> Result<Vec<MarketplaceId>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT marketplace_id FROM listing WHERE product_id = ? AND wanted \
             AND marketplace_id IN (SELECT id FROM marketplace WHERE removed_at IS NULL) \
             ORDER BY marketplace_id",
        )?;
        let rows = stmt.query_map([product.to_string()], |r| {
            Ok(MarketplaceId::new(r.get::<_, String>(0)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every lane, in key order, with what the planner needs.
    pub fn sync_lanes(&self) -> Result<Vec<LaneState>, StoreError> {
        let mut products = BTreeMap::new();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {ENTRY_COLUMNS} FROM product p JOIN artisan a ON a.id = p.maker_id \
             WHERE p.id IN (SELECT product_id FROM listing)"
        ))?;
        for e in stmt.query_map([], entry)? {
            let e = e?;
            products.insert(e.product.id, e.product);
        }
        let mut in_flight: BTreeMap<(String, String), Vec<(OperationId, InFlight)>> =
            BTreeMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT product_id, marketplace_id, id, operation, state FROM sync_operation ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            let state = match r.get::<_, String>(4)?.as_str() {
                "sending" => SendState::Sending,
                _ => SendState::Unknown,
            };
            Ok((
                (r.get(0)?, r.get(1)?),
                r.get::<_, Parsed<OperationId>>(2)?.0,
                InFlight {
                    op: r.get::<_, Json<Operation>>(3)?.0,
                    state,
                },
            ))
        })?;
        for row in rows {
            let (lane, id, op) = row?;
            in_flight.entry(lane).or_default().push((id, op));
        }
        let mut stmt = self.conn.prepare(
            "SELECT l.product_id, l.marketplace_id, l.wanted, l.published, l.confirmed, l.failure, \
             l.failed_for, l.failures, l.next_attempt, m.kind FROM listing l \
             JOIN marketplace m ON m.id = l.marketplace_id AND m.removed_at IS NULL \
             ORDER BY l.product_id, l.marketplace_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, Option<Json<Confirmed>>>(4)?.map(|j| j.0),
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<Json<Option<Listing>>>>(6)?.map(|j| j.0),
                r.get::<_, u32>(7)?,
                r.get::<_, i64>(8)?,
                r.get::<_, String>(9)?,
            ))
        })?;
        let mut lanes = Vec::new();
        for row in rows {
            let (
                product,
                marketplace,
                wanted,
                published,
                confirmed,
                failure,
                failed_for,
                failures,
                next,
                kind,
            ) = row?;
            let id: ProductId = product
                .parse()
                .map_err(|_| StoreError::Damaged(format!("a listing of product {product:?}")))?;
            let desired = products
                .get(&id)
                .filter(|p| {
                    wanted
                        && !matches!(
                            p.fields.status,
                            ProductStatus::Draft | ProductStatus::Archived
                        )
                })
                .map(|p| Listing {
                    when_sold_out: WhenSoldOut::of(&kind),
                    ..Listing::from_product(p, published)
                });
            let failure = failure.filter(|_| failed_for.as_ref() == Some(&desired));
            let (operations, in_flight) = in_flight
                .remove(&(product, marketplace.clone()))
                .unwrap_or_default()
                .into_iter()
                .unzip();
            lanes.push(LaneState {
                key: LaneKey {
                    product: id,
                    marketplace: MarketplaceId::new(marketplace),
                },
                lane: Lane {
                    desired,
                    confirmed,
                    in_flight,
                },
                operations,
                failure,
                failures,
                next_attempt: Timestamp(next),
            });
        }
        Ok(lanes)
    }

    /// One lane, as [`Catalog::sync_lanes`] reads it; `None` once it is gone.
    pub fn sync_lane(&self, key: &LaneKey) -> Result<Option<LaneState>, StoreError> {
        Ok(self.sync_lanes()?.into_iter().find(|lane| lane.key == *key))
    }

    /// Records that `op` is about to be sent, before it is: after a crash, the row says
    /// the request may have left.
    pub fn start_operation(
        &mut self,
        key: &LaneKey,
        op: &Operation,
    ) -> Result<OperationId, StoreError> {
        let id = OperationId::from_uuid(self.new_id());
        self.conn.execute(
            "INSERT INTO sync_operation (id, product_id, marketplace_id, operation, state, created_at) \
             VALUES (?, ?, ?, ?, 'sending', ?)",
            params![
                id.to_string(),
                key.product.to_string(),
                key.marketplace.as_str(),
                json(op),
                self.now().millis()
            ],
        )?;
        Ok(id)
    }

    /// Records what became of operation `id` of lane `key`, and the lane's new state.
    /// `desired` is the wish the operation served: a failure is remembered against it.
    pub fn finish_operation(
        &mut self,
        key: &LaneKey,
        id: OperationId,
        desired: Option<&Listing>,
        outcome: &LaneOutcome,
    ) -> Result<(), StoreError> {
        let now = self.now();
        let tx = self.conn.transaction()?;
        let lane = params![key.product.to_string(), key.marketplace.as_str()];
        let op: Operation = tx
            .query_row(
                "SELECT operation FROM sync_operation WHERE id = ?",
                [id.to_string()],
                |r| r.get::<_, Json<Operation>>(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "operation",
                id: id.to_string(),
            })?
            .0;
        // A look-up settles every doubt of its lane but, while the listing is there, an
        // edit of the words (a look-up does not read them back); anything else settles
        // itself and its earlier sendings whose outcome was unknown.
        let listing_is_there = matches!(outcome, LaneOutcome::Confirmed(Some(_)));
        let settle = |tx: &Transaction<'_>| -> rusqlite::Result<usize> {
            if op == Operation::Reconcile && listing_is_there {
                tx.execute(
                    "DELETE FROM sync_operation WHERE product_id = ? AND marketplace_id = ? \
                     AND NOT (state = 'unknown' AND json_extract(operation, '$.op') = 'update_fields')",
                    lane,
                )
            } else if op == Operation::Reconcile {
                tx.execute(
                    "DELETE FROM sync_operation WHERE product_id = ? AND marketplace_id = ?",
                    lane,
                )
            } else {
                tx.execute(
                    "DELETE FROM sync_operation WHERE product_id = ?1 AND marketplace_id = ?2 \
                     AND (id = ?3 OR (state = 'unknown' AND operation = ?4))",
                    params![
                        key.product.to_string(),
                        key.marketplace.as_str(),
                        id.to_string(),
                        json(&op)
                    ],
                )
            }
        };
        let update = "UPDATE listing SET ";
        let where_lane = " WHERE product_id = ?1 AND marketplace_id = ?2";
        // One more failure in a row; the lane waits until `next_attempt`.
        let back_off = |tx: &Transaction<'_>, next_attempt: Timestamp| {
            tx.execute(
                &format!("{update}failures = failures + 1, next_attempt = ?3{where_lane}"),
                params![
                    key.product.to_string(),
                    key.marketplace.as_str(),
                    next_attempt.millis()
                ],
            )
        };
        let known = match outcome {
            LaneOutcome::Confirmed(confirmed) | LaneOutcome::Failed { confirmed, .. } => {
                confirmed.as_ref()
            }
            _ => None,
        };
        if let Some(confirmed) = known {
            tx.execute(
                "INSERT OR IGNORE INTO remote_listing (marketplace_id, remote_id, product_id) \
                 VALUES (?, ?, ?)",
                params![
                    key.marketplace.as_str(),
                    confirmed.remote_id.as_str(),
                    key.product.to_string()
                ],
            )?;
        }
        match outcome {
            LaneOutcome::Confirmed(confirmed) => {
                settle(&tx)?;
                tx.execute(
                    &format!(
                        "{update}confirmed = ?3, failure = NULL, failed_for = NULL, failures = 0, \
                         next_attempt = 0{where_lane}"
                    ),
                    params![
                        key.product.to_string(),
                        key.marketplace.as_str(),
                        confirmed.as_ref().map(json)
                    ],
                )?;
                tx.execute(
                    "UPDATE marketplace SET last_sync_at = ? WHERE id = ?",
                    params![now.millis(), key.marketplace.as_str()],
                )?;
            }
            LaneOutcome::Unknown { next_attempt } => {
                tx.execute(
                    "UPDATE sync_operation SET state = 'unknown' WHERE id = ?",
                    [id.to_string()],
                )?;
                back_off(&tx, *next_attempt)?;
            }
            LaneOutcome::LookUp { next_attempt } => {
                tx.execute(
                    "UPDATE sync_operation SET state = 'unknown', operation = ? WHERE id = ?",
                    params![json(&Operation::Reconcile), id.to_string()],
                )?;
                back_off(&tx, *next_attempt)?;
            }
            LaneOutcome::Retry { next_attempt } => {
                tx.execute("DELETE FROM sync_operation WHERE id = ?", [id.to_string()])?;
                back_off(&tx, *next_attempt)?;
            }
            LaneOutcome::Failed { reason, confirmed } => {
                settle(&tx)?;
                tx.execute(
                    &format!(
                        "{update}confirmed = ?3, failure = ?4, failed_for = ?5, failures = 0, \
                         next_attempt = 0{where_lane}"
                    ),
                    params![
                        key.product.to_string(),
                        key.marketplace.as_str(),
                        confirmed.as_ref().map(json),
                        reason,
                        json(&desired)
                    ],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// After a restart, a request recorded as sending may or may not have left: its
    /// outcome is unknown, to be settled before its lane sends anything else.
    pub fn recover_operations(&mut self) -> Result<usize, StoreError> {
        Ok(self.conn.execute(
            "UPDATE sync_operation SET state = 'unknown' WHERE state = 'sending'",
            [],
        )?)
    }

    /// The latest sales (lines whose order holds the piece), newest first.
    pub fn recent_sales(&self, limit: u32) -> Result<Vec<Sale>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT marketplace_id, product_id, quantity, at FROM sale WHERE state = 'sold' \
             ORDER BY at DESC, sale_id DESC LIMIT ?",
        )?;
        let rows = statement.query_map([limit], |r| {
            Ok(Sale {
                marketplace: MarketplaceId::new(r.get::<_, String>(0)?),
                product: r.get::<_, Parsed<ProductId>>(1)?.0,
                quantity: r.get(2)?,
                at: Timestamp(r.get(3)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Applies what was pulled from a marketplace and moves its cursor past it, in one
    /// transaction. Each order line is applied by the state its order is in now
    /// ([`take_or_give_back`] has the rules), so reading a line again changes nothing. The
    /// lane a line sold on, and the lane of any listing changed on the website, is marked
    /// to be looked up: the marketplace changed it by itself. Returns how many lines
    /// changed the stock.
    pub fn apply_remote_changes(
        &mut self,
        marketplace: &MarketplaceId,
        changes: &RemoteChanges,
    ) -> Result<usize, StoreError> {
        let now = self.now();
        let mut look_up_ids: Vec<OperationId> = (0..changes.lines.len() + changes.changed.len())
            .map(|_| OperationId::from_uuid(self.new_id()))
            .collect();
        let tx = self.conn.transaction()?;
        // The product a listing was made for, by the id its marketplace gave it: a lane
        // holds it, or held it once.
        let lane_of = |listing: &RemoteId| {
            tx.query_row(
                "SELECT product_id FROM remote_listing WHERE marketplace_id = ? AND remote_id = ?",
                params![marketplace.as_str(), listing.as_str()],
                |r| r.get::<_, Parsed<ProductId>>(0),
            )
            .optional()
            .map(|p| p.map(|p| p.0))
        };
        let mut to_look_up = Vec::new();
        let mut moved = 0;
        for line in &changes.lines {
            // A line applied before keeps its product (the listing may be gone since);
            // else by SKU, else by the listing a lane confirmed. A line of none of these
            // is not ours (a listing made on the website).
            let known = tx
                .query_row(
                    "SELECT product_id FROM sale WHERE marketplace_id = ? AND sale_id = ?",
                    params![marketplace.as_str(), line.id],
                    |r| r.get::<_, Parsed<ProductId>>(0),
                )
                .optional()?
                .map(|p| p.0);
            let product = match (known, line.sku) {
                (Some(product), _) => Some(product),
                (None, Some(sku)) => tx
                    .query_row(
                        "SELECT id FROM product WHERE id = ?",
                        [sku.to_string()],
                        |r| r.get::<_, Parsed<ProductId>>(0),
                    )
                    .optional()?
                    .map(|p| p.0),
                (None, None) => lane_of(&line.listing)?,
            };
            let Some(product) = product.filter(|_| line.quantity > 0) else {
                continue;
            };
            if take_or_give_back(&tx, marketplace, product, line, now)? {
                moved += 1;
                log(&tx, product, ChangeKind::Updated, &["quantity"], now)?;
                to_look_up.push(product);
            }
        }
        for listing in &changes.changed {
            to_look_up.extend(lane_of(listing)?);
        }
        for product in to_look_up {
            let lane = params![
                product.to_string(),
                marketplace.as_str(),
                json(&Operation::Reconcile)
            ];
            let pending: bool = tx.query_row(
                "SELECT count(*) FROM sync_operation WHERE product_id = ?1 AND marketplace_id = ?2 \
                 AND operation = ?3",
                lane,
                |r| r.get(0),
            )?;
            let exists: bool = tx.query_row(
                "SELECT count(*) FROM listing WHERE product_id = ?1 AND marketplace_id = ?2 \
                 AND confirmed IS NOT NULL",
                params![product.to_string(), marketplace.as_str()],
                |r| r.get(0),
            )?;
            if exists && !pending {
                let id = look_up_ids
                    .pop()
                    .ok_or_else(|| StoreError::Damaged("ids".into()))?;
                tx.execute(
                    "INSERT INTO sync_operation (id, product_id, marketplace_id, operation, state, created_at) \
                     VALUES (?4, ?1, ?2, ?3, 'unknown', ?5)",
                    params![product.to_string(), marketplace.as_str(), json(&Operation::Reconcile), id.to_string(), now.millis()],
                )?;
            }
        }
        tx.execute(
            "UPDATE marketplace SET pull_cursor = ?, last_sync_at = ? WHERE id = ?",
            params![changes.cursor, now.millis(), marketplace.as_str()],
        )?;
        tx.commit()?;
        Ok(moved)
    }

    /// One order line as the catalog applied it, if it did.
    pub fn order_line(
        &self,
        marketplace: &MarketplaceId,
        line: &str,
    ) -> Result<Option<AppliedLine>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT product_id, state, taken FROM sale WHERE marketplace_id = ? AND sale_id = ?",
                params![marketplace.as_str(), line],
                |r| {
                    let state = match r.get::<_, String>(1)?.as_str() {
                        "sold" => OrderState::Sold,
                        "unpaid" => OrderState::Unpaid,
                        _ => OrderState::Cancelled,
                    };
                    Ok(AppliedLine {
                        product: r.get::<_, Parsed<ProductId>>(0)?.0,
                        state,
                        taken: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    /// The oversells no one has dealt with yet, oldest first, each with the lines that
    /// took the stock it lacked.
    pub fn oversells(&self) -> Result<Vec<Oversell>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT o.marketplace_id, o.sale_id, o.product_id, o.missing, o.at, \
                    s.order_id, s.buyer, s.quantity \
             FROM oversell o JOIN sale s USING (marketplace_id, sale_id) \
             WHERE o.settled_at IS NULL ORDER BY o.at, o.sale_id",
        )?;
        let rows = statement.query_map([], |r| {
            Ok(Oversell {
                line: SoldLine {
                    marketplace: MarketplaceId::new(r.get::<_, String>(0)?),
                    line: r.get(1)?,
                    order: r.get(5)?,
                    buyer: r.get(6)?,
                    quantity: r.get(7)?,
                },
                product: r.get::<_, Parsed<ProductId>>(2)?.0,
                missing: r.get(3)?,
                at: Timestamp(r.get(4)?),
                holders: Vec::new(),
            })
        })?;
        let mut oversells: Vec<Oversell> = rows.collect::<Result<_, _>>()?;
        let mut holders = self.conn.prepare(
            "SELECT marketplace_id, sale_id, order_id, buyer, quantity FROM sale \
             WHERE product_id = ?1 AND state = 'sold' AND taken > 0 \
             AND NOT (marketplace_id = ?2 AND sale_id = ?3) ORDER BY at, sale_id",
        )?;
        for oversell in &mut oversells {
            let rows = holders.query_map(
                params![
                    oversell.product.to_string(),
                    oversell.line.marketplace.as_str(),
                    oversell.line.line
                ],
                |r| {
                    Ok(SoldLine {
                        marketplace: MarketplaceId::new(r.get::<_, String>(0)?),
                        line: r.get(1)?,
                        order: r.get(2)?,
                        buyer: r.get(3)?,
                        quantity: r.get(4)?,
                    })
                },
            )?;
            oversell.holders = rows.collect::<Result<_, _>>()?;
        }
        Ok(oversells)
    }

    /// Whether the product was ever found oversold, dealt with since or not.
    pub fn ever_oversold(&self, product: ProductId) -> Result<bool, StoreError> {
        Ok(self.conn.query_row(
            "SELECT count(*) > 0 FROM oversell WHERE product_id = ?",
            [product.to_string()],
            |r| r.get(0),
        )?)
    }

    /// The artisan has dealt with an oversell (a buyer refunded, a piece made): it is no
    /// longer shown.
    pub fn settle_oversell(
        &mut self,
        marketplace: &MarketplaceId,
        line: &str,
    ) -> Result<(), StoreError> {
        let settled = self.conn.execute(
            "UPDATE oversell SET settled_at = ? \
             WHERE marketplace_id = ? AND sale_id = ? AND settled_at IS NULL",
            params![self.now().millis(), marketplace.as_str(), line],
        )?;
        if settled == 0 {
            return Err(StoreError::NotFound {
                what: "oversell",
                id: format!("{marketplace}/{line}"),
            });
        }
        Ok(())
    }

    /// Holds every request to `marketplace` until `until` (a `Retry-After`).
    pub fn pause_marketplace(
        &mut self,
        marketplace: &MarketplaceId,
        until: Timestamp,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE marketplace SET paused_until = max(coalesce(paused_until, 0), ?) WHERE id = ?",
            params![until.millis(), marketplace.as_str()],
        )?;
        Ok(())
    }

    /// Marks the account's sign-in as expired (or renewed): nothing is sent until then.
    pub fn set_needs_sign_in(
        &mut self,
        marketplace: &MarketplaceId,
        needs: bool,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE marketplace SET needs_sign_in = ? WHERE id = ?",
            params![needs, marketplace.as_str()],
        )?;
        Ok(())
    }

    /// "Retry" on a failed lane: forget its failure and try it now.
    pub fn retry_lane(&mut self, key: &LaneKey) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE listing SET failure = NULL, failed_for = NULL, failures = 0, next_attempt = 0 \
             WHERE product_id = ? AND marketplace_id = ?",
            params![key.product.to_string(), key.marketplace.as_str()],
        )?;
        Ok(())
    }

    /// "Sync now": every lane waiting out a backoff is tried at once, and a marketplace's
    /// pause (a `Retry-After`) is lifted: the artisan asked, and the marketplace answers
    /// again with a new `Retry-After` if it still must.
    pub fn sync_now(&mut self) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE listing SET next_attempt = 0 WHERE failure IS NULL",
            [],
        )?;
        tx.execute("UPDATE marketplace SET paused_until = NULL", [])?;
        tx.commit()?;
        Ok(())
    }
}

fn state_slug(state: OrderState) -> &'static str {
    match state {
        OrderState::Sold => "sold",
        OrderState::Unpaid => "unpaid",
        OrderState::Cancelled => "cancelled",
    }
}

/// Applies one order line to its product's stock, by the state its order is in now:
///
/// | before          | now            | stock                                               |
/// |-----------------|----------------|-----------------------------------------------------|
/// | unknown, unpaid, cancelled | sold | takes what it can; what it cannot is an [`Oversell`] |
/// | sold            | unpaid, cancelled | gives back what it took, first to open oversells of the product (their buyers wait for a piece), the rest to the stock; its own oversell is settled |
/// | any             | the same       | nothing: reading a line again is harmless           |
/// | unknown         | unpaid, cancelled | nothing, but the line is remembered              |
///
/// Says whether the stock moved.
fn take_or_give_back(
    tx: &Transaction<'_>,
    marketplace: &MarketplaceId,
    product: ProductId,
    line: &OrderLine,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let before: Option<(String, u32)> = tx
        .query_row(
            "SELECT state, taken FROM sale WHERE marketplace_id = ? AND sale_id = ?",
            params![marketplace.as_str(), line.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let state = state_slug(line.state);
    if before.as_ref().is_some_and(|(s, _)| s == state) {
        return Ok(false);
    }
    tx.execute(
        "INSERT INTO sale (marketplace_id, sale_id, product_id, quantity, at, state, taken, order_id, buyer) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8) \
         ON CONFLICT DO UPDATE SET state = ?6, order_id = coalesce(?7, order_id), \
         buyer = coalesce(?8, buyer)",
        params![
            marketplace.as_str(),
            line.id,
            product.to_string(),
            line.quantity,
            now.millis(),
            state,
            line.order,
            line.buyer
        ],
    )?;
    let lane = params![marketplace.as_str(), line.id];
    let was_sold = before.as_ref().is_some_and(|(s, _)| s == "sold");
    let stock: u32 = tx.query_row(
        "SELECT quantity FROM product WHERE id = ?",
        [product.to_string()],
        |r| r.get(0),
    )?;
    match (was_sold, line.state == OrderState::Sold) {
        (false, true) => {
            let taken = line.quantity.min(stock);
            let missing = line.quantity - taken;
            tx.execute(
                "UPDATE sale SET taken = ?3 WHERE marketplace_id = ?1 AND sale_id = ?2",
                params![marketplace.as_str(), line.id, taken],
            )?;
            set_stock(tx, product, stock - taken, now)?;
            if missing > 0 {
                tx.execute(
                    "INSERT INTO oversell (marketplace_id, sale_id, product_id, missing, at) \
                     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO UPDATE SET missing = ?4, \
                     at = ?5, settled_at = NULL",
                    params![
                        marketplace.as_str(),
                        line.id,
                        product.to_string(),
                        missing,
                        now.millis()
                    ],
                )?;
            }
            Ok(true)
        }
        (true, false) => {
            let freed = before.map_or(0, |(_, taken)| taken);
            tx.execute(
                "UPDATE sale SET taken = 0 WHERE marketplace_id = ?1 AND sale_id = ?2",
                lane,
            )?;
            // This buyer's order is gone: so is its oversell.
            tx.execute(
                "UPDATE oversell SET settled_at = ?3 WHERE marketplace_id = ?1 AND sale_id = ?2 \
                 AND settled_at IS NULL",
                params![marketplace.as_str(), line.id, now.millis()],
            )?;
            let rest = cover_oversells(tx, product, freed, now)?;
            set_stock(tx, product, stock.saturating_add(rest), now)?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// Gives up to `freed` pieces to the product's open oversells, oldest first: a buyer who
/// waits for a piece gets the one a cancel freed. Returns the pieces left over.
fn cover_oversells(
    tx: &Transaction<'_>,
    product: ProductId,
    mut freed: u32,
    now: Timestamp,
) -> Result<u32, StoreError> {
    let waiting: Vec<(String, String, u32)> = {
        let mut statement = tx.prepare(
            "SELECT marketplace_id, sale_id, missing FROM oversell \
             WHERE product_id = ? AND settled_at IS NULL ORDER BY at, sale_id",
        )?;
        let rows = statement.query_map([product.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        rows.collect::<Result<_, _>>()?
    };
    for (marketplace, line, missing) in waiting {
        if freed == 0 {
            break;
        }
        let cover = freed.min(missing);
        freed -= cover;
        let key = params![marketplace, line, cover, now.millis()];
        tx.execute(
            "UPDATE oversell SET missing = missing - ?3, \
             settled_at = CASE WHEN missing = ?3 THEN ?4 END \
             WHERE marketplace_id = ?1 AND sale_id = ?2",
            key,
        )?;
        tx.execute(
            "UPDATE sale SET taken = taken + ?3 WHERE marketplace_id = ?1 AND sale_id = ?2",
            params![marketplace, line, cover],
        )?;
    }
    Ok(freed)
}

fn set_stock(
    tx: &Transaction<'_>,
    product: ProductId,
    quantity: u32,
    now: Timestamp,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE product SET quantity = ?, updated_at = ? WHERE id = ?",
        params![quantity, now.millis(), product.to_string()],
    )?;
    Ok(())
}
