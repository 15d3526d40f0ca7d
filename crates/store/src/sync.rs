//! The sync engine's state in the catalog file: marketplace accounts, lanes (a product on
//! a marketplace, with what the marketplace last confirmed), requests under way and sales
//! pulled back. The engine decides; this module only records, each decision in one
//! transaction.

use std::collections::BTreeMap;

use hanout_domain::{CooperativeId, OperationId, ProductId, ProductStatus, Timestamp};
use hanout_sync::{
    Confirmed, InFlight, Lane, LaneKey, Listing, MarketplaceId, Operation, RemoteChanges, RemoteId,
    SendState,
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
            "SELECT product_id, marketplace_id, wanted, published, confirmed, failure, failed_for, \
             failures, next_attempt FROM listing \
             WHERE marketplace_id IN (SELECT id FROM marketplace WHERE removed_at IS NULL) \
             ORDER BY product_id, marketplace_id",
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
                .map(|p| Listing::from_product(p, published));
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

    /// The latest sales, newest first.
    pub fn recent_sales(&self, limit: u32) -> Result<Vec<Sale>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT marketplace_id, product_id, quantity, at FROM sale ORDER BY at DESC, sale_id DESC LIMIT ?",
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
    /// transaction. Each sale lowers the product's stock once (never below zero); the
    /// lane it sold on, and the lane of any listing changed on the website, is marked to
    /// be looked up: the marketplace changed it by itself. Returns how many sales were
    /// new.
    pub fn apply_remote_changes(
        &mut self,
        marketplace: &MarketplaceId,
        changes: &RemoteChanges,
    ) -> Result<usize, StoreError> {
        let now = self.now();
        let mut look_up_ids: Vec<OperationId> = (0..changes.sales.len() + changes.changed.len())
            .map(|_| OperationId::from_uuid(self.new_id()))
            .collect();
        let tx = self.conn.transaction()?;
        // The lane that holds a listing, by the id its marketplace gave it.
        let lane_of = |listing: &RemoteId| {
            tx.query_row(
                "SELECT product_id FROM listing WHERE marketplace_id = ? \
                 AND json_extract(confirmed, '$.remote_id') = ?",
                params![marketplace.as_str(), listing.as_str()],
                |r| r.get::<_, Parsed<ProductId>>(0),
            )
            .optional()
            .map(|p| p.map(|p| p.0))
        };
        let mut to_look_up = Vec::new();
        let mut new = 0;
        for sale in &changes.sales {
            // By SKU, else by the listing a lane confirmed; a sale of neither is not ours
            // (a listing made on the website).
            let product = match sale.sku {
                Some(sku) => tx
                    .query_row(
                        "SELECT id FROM product WHERE id = ?",
                        [sku.to_string()],
                        |r| r.get::<_, Parsed<ProductId>>(0),
                    )
                    .optional()?
                    .map(|p| p.0),
                None => lane_of(&sale.listing)?,
            };
            let Some(product) = product.filter(|_| sale.quantity > 0) else {
                continue;
            };
            let inserted = tx.execute(
                "INSERT OR IGNORE INTO sale (marketplace_id, sale_id, product_id, quantity, at) \
                 VALUES (?, ?, ?, ?, ?)",
                params![
                    marketplace.as_str(),
                    sale.id,
                    product.to_string(),
                    sale.quantity,
                    now.millis()
                ],
            )?;
            if inserted == 0 {
                continue;
            }
            new += 1;
            tx.execute(
                "UPDATE product SET quantity = max(quantity - ?, 0), updated_at = ? WHERE id = ?",
                params![sale.quantity, now.millis(), product.to_string()],
            )?;
            log(&tx, product, ChangeKind::Updated, &["quantity"], now)?;
            to_look_up.push(product);
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
        Ok(new)
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

    /// "Sync now": every lane waiting out a backoff is tried at once. A marketplace's own
    /// `Retry-After` still holds.
    pub fn sync_now(&mut self) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE listing SET next_attempt = 0 WHERE failure IS NULL",
            [],
        )?;
        Ok(())
    }
}
