//! The catalog against a real SQLite file.

mod common;

use common::{product, shop};
use hanout_domain::{
    ArtisanId, CatalogEntry, Category, DataSaver, Field, Lang, Problem, ProductFilter, ProductForm,
    ProductStatus, Role,
};
use hanout_store::{Catalog, ChangeKind, StoreError};

fn titles(entries: &[CatalogEntry]) -> Vec<String> {
    entries
        .iter()
        .map(|e| e.product.fields.title(Lang::Fr).unwrap_or("").to_owned())
        .collect()
}

#[test]
fn a_product_survives_closing_and_reopening() {
    let mut s = shop();
    let form = ProductForm {
        descriptions: [(Lang::Ar, "طاجين من الطين".into())].into(),
        materials: "argile, émail".into(),
        dimensions: "30 x 30 x 25 cm".into(),
        weight: "1.5 kg".into(),
        ..product((Lang::Fr, "Tajine de Safi"), "pottery", "120,50", s.fatima)
    };
    let added = s.catalog.add_product(&form).unwrap();
    assert_eq!(added.maker_name, "Fatima Aït Lahcen");
    assert_eq!(added.product.id.as_uuid().get_version_num(), 7);
    drop(s.catalog);

    let reopened = Catalog::open(&s.path).unwrap();
    let got = reopened.product(added.product.id).unwrap();
    assert_eq!(got, added);
    assert_eq!(
        ProductForm::from(&got.product.fields).validate().unwrap(),
        got.product.fields
    );
    assert_eq!(got.product.fields.price.centimes(), 12050);
    assert_eq!(
        got.product.fields.weight.map(|w| w.to_string()).as_deref(),
        Some("1.5 kg")
    );
}

#[test]
fn every_change_logs_what_changed() {
    let mut s = shop();
    let p = s
        .catalog
        .add_product(&product((Lang::Fr, "Panier"), "basketry", "80", s.fatima))
        .unwrap();
    let id = p.product.id;
    let mut edit = ProductForm::from(&p.product.fields);
    edit.price = "95".into();
    edit.quantity = "4".into();
    s.catalog.update_product(id, &edit).unwrap();
    // Saving the same again is not a change.
    s.catalog.update_product(id, &edit).unwrap();
    s.catalog.archive_product(id).unwrap();

    let log = s.catalog.changes_after(0, 100).unwrap();
    let summary: Vec<(ChangeKind, Vec<String>)> =
        log.iter().map(|c| (c.kind, c.fields.clone())).collect();
    assert_eq!(summary.len(), 3, "{summary:?}");
    assert_eq!(summary[0].0, ChangeKind::Created);
    assert_eq!(
        summary[1],
        (ChangeKind::Updated, vec!["price".into(), "quantity".into()])
    );
    assert_eq!(summary[2], (ChangeKind::Archived, vec!["status".into()]));
    assert!(log.iter().all(|c| c.product == id));
    assert!(
        log.windows(2)
            .all(|w| w[0].seq < w[1].seq && w[0].at < w[1].at)
    );
    assert_eq!(
        s.catalog.changes_after(log[1].seq, 100).unwrap(),
        log[2..].to_vec()
    );
}

const REFUSE_LOG: &str =
    "CREATE TRIGGER refuse BEFORE INSERT ON change_log BEGIN SELECT RAISE(ABORT, 'refused'); END;";

#[test]
fn a_product_and_its_change_log_row_commit_together() {
    let mut s = shop();
    // Another connection makes the change log refuse writes, as a full disk or a bug would.
    let side = rusqlite::Connection::open(&s.path).unwrap();
    side.execute_batch(REFUSE_LOG).unwrap();
    let tapis = product((Lang::Fr, "Tapis"), "carpets", "900", s.fatima);
    assert!(s.catalog.add_product(&tapis).is_err());
    assert!(
        s.catalog
            .products(&ProductFilter::default())
            .unwrap()
            .is_empty()
    );
    let by_text = ProductFilter {
        query: Some("tapis".into()),
        ..Default::default()
    };
    assert!(s.catalog.products(&by_text).unwrap().is_empty());

    side.execute_batch("DROP TRIGGER refuse").unwrap();
    let p = s.catalog.add_product(&tapis).unwrap();
    side.execute_batch(REFUSE_LOG).unwrap();
    let mut edit = ProductForm::from(&p.product.fields);
    edit.price = "1000".into();
    assert!(s.catalog.update_product(p.product.id, &edit).is_err());
    assert_eq!(
        s.catalog.product(p.product.id).unwrap(),
        p,
        "a failed edit left a trace"
    );
}

#[test]
fn invalid_forms_write_nothing_and_say_why() {
    let mut s = shop();
    let bad = product((Lang::En, "Rug"), "carpets", "0", s.fatima);
    match s.catalog.add_product(&bad) {
        Err(StoreError::Invalid(e)) => {
            assert_eq!(e.0.len(), 1);
            assert_eq!(
                (e.0[0].field, &e.0[0].problem),
                (Field::Price, &Problem::Zero)
            );
            assert_eq!(e.to_string(), "price must be more than zero");
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    let stranger = ArtisanId::from_uuid(uuid::Uuid::now_v7());
    match s
        .catalog
        .add_product(&product((Lang::En, "Rug"), "carpets", "10", stranger))
    {
        Err(StoreError::Invalid(e)) => assert!(e.has(Field::Maker)),
        other => panic!("expected an unknown maker, got {other:?}"),
    }
    assert!(s.catalog.changes_after(0, 10).unwrap().is_empty());
}

#[test]
fn lists_filter_by_status_category_and_maker() {
    let mut s = shop();
    let (f, y) = (s.fatima, s.youssef);
    let c = &mut s.catalog;
    c.add_product(&product((Lang::Fr, "Tajine"), "pottery", "120", f))
        .unwrap();
    let rug = c
        .add_product(&product((Lang::Fr, "Tapis"), "carpets", "900", y))
        .unwrap();
    let bowl = ProductForm {
        status: "draft".into(),
        ..product((Lang::Fr, "Bol"), "pottery", "40", y)
    };
    c.add_product(&bowl).unwrap();
    let old = c
        .add_product(&product((Lang::Fr, "Vieux pot"), "pottery", "30", f))
        .unwrap();
    c.archive_product(old.product.id).unwrap();

    let list = |filter: ProductFilter| titles(&c.products(&filter).unwrap());
    let all = ProductFilter::default;
    assert_eq!(
        list(all()),
        ["Bol", "Tapis", "Tajine"],
        "newest first, archived hidden"
    );
    assert_eq!(
        list(ProductFilter {
            status: Some(ProductStatus::Archived),
            ..all()
        }),
        ["Vieux pot"]
    );
    assert_eq!(
        list(ProductFilter {
            status: Some(ProductStatus::Draft),
            ..all()
        }),
        ["Bol"]
    );
    assert_eq!(
        list(ProductFilter {
            category: Some(Category::Pottery),
            ..all()
        }),
        ["Bol", "Tajine"]
    );
    assert_eq!(
        list(ProductFilter {
            maker: Some(y),
            ..all()
        }),
        ["Bol", "Tapis"]
    );
    assert_eq!(
        list(ProductFilter {
            limit: 1,
            offset: 1,
            ..all()
        }),
        ["Tapis"]
    );
    assert_eq!(
        c.find_product(&rug.product.id.to_string()).unwrap(),
        rug.product.id
    );
}

#[test]
fn search_folds_case_accents_and_arabic() {
    let mut s = shop();
    let (f, y) = (s.fatima, s.youssef);
    let c = &mut s.catalog;
    c.add_product(&product((Lang::Fr, "Tajine"), "pottery", "120", f))
        .unwrap();
    c.add_product(&product((Lang::Fr, "Poterie émaillée"), "pottery", "60", f))
        .unwrap();
    c.add_product(&product((Lang::Ar, "طَاجِين"), "pottery", "150", y))
        .unwrap();
    c.add_product(&product((Lang::Ar, "زربية"), "carpets", "700", y))
        .unwrap();
    let pouf = ProductForm {
        materials: "Cuir de chèvre".into(),
        ..product((Lang::En, "Pouf"), "leather", "300", f)
    };
    c.add_product(&pouf).unwrap();

    let search = |q: &str| {
        let found = c
            .products(&ProductFilter {
                query: Some(q.into()),
                ..Default::default()
            })
            .unwrap();
        let mut t: Vec<String> = found
            .iter()
            .map(|e| {
                e.product
                    .fields
                    .titles
                    .values()
                    .next()
                    .cloned()
                    .unwrap_or_default()
            })
            .collect();
        t.sort();
        t
    };
    assert_eq!(search("tajine"), ["Tajine"]);
    assert_eq!(search("TAJ"), ["Tajine"], "prefixes match");
    assert_eq!(search("poterie"), ["Poterie émaillée"]);
    assert_eq!(search("emaillee"), ["Poterie émaillée"]);
    assert_eq!(search("طاجين"), ["طَاجِين"]);
    assert_eq!(search("زربيه"), ["زربية"], "ta marbuta and ha match");
    assert_eq!(search("chevre"), ["Pouf"], "materials are searched");
    assert_eq!(
        search("يوسف"),
        ["زربية", "طَاجِين"],
        "maker names are searched"
    );
    assert_eq!(search("ait lahcen pouf"), ["Pouf"], "every word must match");
    assert!(search("couscoussier").is_empty());
    assert_eq!(
        search("\" * ( ) -").len(),
        5,
        "punctuation alone filters nothing and is never syntax"
    );
    assert!(
        search("NEAR(tajine) OR").is_empty(),
        "operators are words, not syntax"
    );
}

#[test]
fn ids_resolve_by_prefix_or_name() {
    let s = shop();
    assert_eq!(
        s.catalog.find_artisan("fatima aït lahcen").unwrap(),
        s.fatima
    );
    assert_eq!(
        s.catalog.find_artisan(&s.youssef.to_string()).unwrap(),
        s.youssef
    );
    assert!(matches!(
        s.catalog.find_artisan("nobody"),
        Err(StoreError::NotFound { .. })
    ));
    // Both ids were made within seconds: their first characters are alike.
    let prefix = &s.fatima.to_string()[..4];
    assert!(matches!(
        s.catalog.find_artisan(prefix),
        Err(StoreError::Ambiguous { count: 2, .. })
    ));
}

#[test]
fn the_first_artisan_leads_and_a_cooperative_keeps_a_leader() {
    let mut s = shop();
    let fatima = s.catalog.artisan(s.fatima).unwrap();
    let youssef = s.catalog.artisan(s.youssef).unwrap();
    assert_eq!((fatima.role, youssef.role), (Role::Leader, Role::Artisan));

    let refused = s
        .catalog
        .set_artisan_role(s.fatima, Role::Viewer)
        .unwrap_err();
    assert!(matches!(refused, StoreError::LastLeader), "{refused:?}");
    assert_eq!(s.catalog.artisan(s.fatima).unwrap().role, Role::Leader);

    s.catalog.set_artisan_role(s.youssef, Role::Leader).unwrap();
    s.catalog.set_artisan_role(s.fatima, Role::Viewer).unwrap();
    let roles: Vec<Role> = s
        .catalog
        .artisans()
        .unwrap()
        .iter()
        .map(|a| a.role)
        .collect();
    assert_eq!(
        roles,
        [Role::Viewer, Role::Leader],
        "by name: Fatima, then يوسف"
    );
}

#[test]
fn each_artisan_keeps_their_language_and_the_device_its_own() {
    let mut s = shop();
    assert_eq!(s.catalog.artisan(s.youssef).unwrap().lang, None);
    s.catalog.set_artisan_lang(s.youssef, Lang::Ar).unwrap();
    s.catalog.set_artisan_lang(s.fatima, Lang::Tzm).unwrap();
    s.catalog.set_lang(Lang::Fr).unwrap();
    s.catalog.set_data_saver(DataSaver::WifiOnly).unwrap();
    drop(s.catalog);
    let reopened = Catalog::open(&s.path).unwrap();
    assert_eq!(reopened.artisan(s.youssef).unwrap().lang, Some(Lang::Ar));
    assert_eq!(reopened.artisan(s.fatima).unwrap().lang, Some(Lang::Tzm));
    let settings = reopened.settings().unwrap();
    assert_eq!(
        (settings.lang, settings.data_saver),
        (Some(Lang::Fr), DataSaver::WifiOnly)
    );
}
