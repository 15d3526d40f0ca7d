//! What the seller does on a marketplace's own website, through the real adapters and
//! the engine.

use hanout_engine::{GONE, LaneStatus};
use serde_json::json;

use super::{WOO, World};

/// Case 4 of the exactly-once issue. A product deleted on the WooCommerce website answers
/// 400 `woocommerce_rest_product_invalid_id`, and one in its trash still takes updates:
/// both are gone, offered to the artisan to list again or drop, never a refusal she cannot
/// act on, nor a price sent to a product nobody can buy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_product_deleted_or_trashed_on_the_website_is_gone_not_refused() {
    let world = World::new("seed=9", 2).await;
    let mut engine = world.engine();
    world.drain(&mut engine).await;
    let [deleted, trashed] = [world.products[0], world.products[1]];
    for (product, permanent) in [(deleted, true), (trashed, false)] {
        let (_, woo_product) = world.remote_ids(product);
        world
            .control(
                "website-delete",
                json!({"market": "woocommerce", "listing_id": woo_product, "permanent": permanent}),
            )
            .await;
        world.set_stock_and_price(product, 4, 199);
    }
    world.drain(&mut engine).await;
    for product in [deleted, trashed] {
        assert_eq!(
            world.lane(product, WOO),
            LaneStatus::Failed {
                reason: GONE.to_owned()
            },
        );
    }
    // "List it again": a new product on the shop.
    let key = hanout_sync::LaneKey {
        product: trashed,
        marketplace: hanout_sync::MarketplaceId::new(WOO),
    };
    world.catalog().retry_lane(&key).expect("retried");
    world.drain(&mut engine).await;
    assert_eq!(world.lane(trashed, WOO), LaneStatus::Sent);
}
