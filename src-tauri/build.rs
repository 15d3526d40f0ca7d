fn main() {
    // Declaring the commands makes each one a permission (`allow-<command>`) that a
    // capability must grant: the window gets exactly the commands it lists.
    let commands = tauri_build::AppManifest::new().commands(&[
        "workshop",
        "add_cooperative",
        "add_artisan",
        "work_as",
        "leave",
        "set_role",
        "set_lang",
        "set_portrait",
        "catalog_page",
        "product",
        "add_product",
        "update_product",
        "archive_product",
        "add_photo",
        "remove_photo",
        "move_photo",
        "sync_state",
        "sync_now",
        "set_data_saver",
        "retry",
        "discard",
        "marketplaces",
        "wanted_on",
        "sell_on",
        "remove_marketplace",
        "demo_start",
        "demo_reset",
        "demo_leave",
        "demo_state",
        "demo_network",
        "demo_open_shop",
        "demo_sale",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(commands))
        .expect("tauri build step");
}
