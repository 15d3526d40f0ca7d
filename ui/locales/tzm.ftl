# Hanout's words in Standard Moroccan Tamazight (Tifinagh). Every string the window shows comes from these files; the
# four files (ar, en, fr, tzm) have the same keys (tests/messages.rs checks).
# Counts use plural forms (CLDR tzm: one = 0-1 and 11-99, other = the rest); $amount and $time arrive already formatted for the language.

## The language itself, shown in the language picker in its own script.
language-name = ⵜⴰⵎⴰⵣⵉⵖⵜ

## Start and the workshop
app-name = ⵃⴰⵏⵓⵜ
welcome-title = ⴰⵣⵓⵍ, ⴰⵏⵙⵓⴼ ⵖⵔ ⵃⴰⵏⵓⵜ
welcome-workshop = ⴰⴷⵖⴰⵔ ⵏ ⵜⵡⵓⵔⵉ ⵏⵖ ⵜⴰⵎⵢⴰⵡⴰⵙⵜ
welcome-your-name = ⵉⵙⵎ ⵏⵏⴽ/ⵏⵏⵎ
welcome-start = ⴱⴷⵓ
cannot-start = ⵓⵔ ⵉⵣⵎⵉⵔ ⵃⴰⵏⵓⵜ ⴰⴷ ⵉⴱⴷⵓ
who-is-working = ⵎⴰ ⵉⵅⴷⴷⵎⵏ?
switch-person = ⵙⵏⴼⵍ ⵎⴰ ⵉⵅⴷⴷⵎⵏ
role-leader = ⴰⵎⵖⴰⵔ
role-artisan = ⴰⵏⴰⵥⵓⵕ
role-viewer = ⵜⴰⵏⵏⴰⵢⵜ ⵖⴰⵙ
choose-language = ⵜⵓⵜⵍⴰⵢⵜ

## The catalog
search = ⵔⵣⵓ
add-product = ⵔⵏⵓ ⴰⴼⴰⵔⵉⵙ
no-products = ⵓⵔ ⵜⴰ ⵉⵍⵍⵉ ⴽⵔⴰ ⵏ ⵓⴼⴰⵔⵉⵙ: ⵔⵏⵓ ⵢⴰⵏ ⵙ +
nothing-found = ⵓⵔ ⵜⵜⵢⴰⴼⴰⵏⵜ ⵜⵢⴰⴼⵓⵜⵉⵏ
all-statuses = ⵉⴷⴷⴰⴷⵏ ⵎⴰⵕⵕⴰ
all-categories = ⵜⵉⴳⴳⴰⵢⵉⵏ ⵎⴰⵕⵕⴰ
all-makers = ⵉⵏⴰⵥⵓⵕⵏ ⵎⴰⵕⵕⴰ
filters = ⵉⵙⵜⵜⴰⵢⵏ
price-in-dh = { $amount } DH
currency = DH
made-by = ⴰⵏⴰⵥⵓⵕ: { $name }
quantity-left = { $count ->
    [one] ⵉⵇⵇⵉⵎⵏ: { $count }
   *[other] ⵉⵇⵇⵉⵎⵏ: { $count }
}

## Product statuses
status-draft = ⵓⵔ ⵜⴰ ⵉⵎⵎⵉⴷ
status-ready = ⵉⵡⵊⴷ
status-listed = ⵉⵜⵜⵓⴼⵙⴰⵔ
status-sold_out = ⵓⵔ ⵉⵇⵇⵉⵎ ⵡⴰⵍⵓ
status-archived = ⴳ ⵓⵔⵛⵉⴼ

## Categories
category-pottery = ⵉⵇⵍⵍⴰⵍⵏ
category-carpets = ⵜⵉⵣⵔⴱⵉⵢⵉⵏ
category-clothing = ⵉⵔⵓⴹ
category-leather = ⵉⵍⵎ
category-wood = ⴰⵙⵖⴰⵔ
category-metal = ⵓⵣⵣⴰⵍ
category-basketry = ⵙⵍⴰⵍ
category-jewellery = ⵓⵔⵖ ⴷ ⵓⵥⵔⴼ
category-textiles = ⴰⵥⵟⵟⴰ
category-stone = ⴰⵥⵔⵓ
category-argan = ⴰⵔⴳⴰⵏ
category-other = ⵢⴰⴹⵏ

## The product form, in three steps
new-product = ⴰⴼⴰⵔⵉⵙ ⴰⵎⴰⵢⵏⵓ
edit-product = ⵙⵏⴼⵍ ⴰⴼⴰⵔⵉⵙ
step-photos = ⵜⵉⵡⵍⴰⴼⵉⵏ
step-what = ⴰⴼⴰⵔⵉⵙ ⴷ ⵓⵜⵉⴳ
step-where = ⵎⴰⵏⵉ ⴰⴷ ⵜⵣⵣⵏⵣⴷ
next = ⵓⴹⴼⵉⵕ
back = ⴰⵖⵓⵍ
close = ⵔⴳⵍ
save = ⵃⴹⵓ
saved = ⵉⵜⵜⵓⵃⴹⴰ
archive = ⵙⵔⵙ ⴳ ⵓⵔⵛⵉⴼ
take-photo = ⴰⵎⵥ ⵜⴰⵡⵍⴰⴼⵜ
choose-photos = ⴼⵔⵏ ⵜⵉⵡⵍⴰⴼⵉⵏ
photo-count = { $count ->
    [one] { $count } ⵜⴰⵡⵍⴰⴼⵜ
   *[other] { $count } ⵜⵉⵡⵍⴰⴼⵉⵏ
}
processing-photo = ⵜⴰⵡⵍⴰⴼⵜ { $n } ⵙⴳ { $total }
make-cover = ⴳ ⵜⵜ ⵜⴰⵎⵣⵡⴰⵔⵓⵜ
move-later = ⵙⵎⵓⵜⵜⵉ ⵖⵔ ⴷⴼⴼⵉⵔ
remove-photo = ⴽⴽⵙ
category = ⵜⴰⴳⴳⴰⵢⵜ
title = ⴰⵣⵡⵍ
title-in = ⴰⵣⵡⵍ ({ $lang })
description-in = ⴰⴳⵍⴰⵎ ({ $lang })
title-optional = ⴰⵣⵡⵍ ⴰⵔ ⵉⵜⵜⴰⵡⵙ ⵉⵎⵙⵖⴰⵢⵏ ⴰⴷ ⵜ ⴰⴼⵏ; ⵜⵣⵎⵔⴷ ⴰⴷ ⵜ ⵜⵔⵏⵓⴷ ⵙ ⴷⴼⴼⵉⵔ.
price = ⴰⵜⵉⴳ (DH)
quantity = ⵓⵟⵟⵓⵏ
fewer = ⴽⴽⵙ ⵢⴰⵏ
more = ⵔⵏⵓ ⵢⴰⵏ
maker = ⴰⵏⴰⵥⵓⵕ
new-maker = ⴰⵏⴰⵥⵓⵕ ⴰⵎⴰⵢⵏⵓ
new-maker-name = ⵉⵙⵎ ⵏ ⵓⵏⴰⵥⵓⵕ ⴰⵎⴰⵢⵏⵓ
product-status = ⴰⴷⴷⴰⴷ
more-details = ⵓⴳⴳⴰⵔ ⵏ ⵉⴼⵔⵓⵔⵉⵜⵏ
materials = ⵍⵎⵡⴰⴷ
size = ⵜⵉⵖⵣⵉ (30 x 20 x 10 cm)
weight = ⵜⴰⵥⴰⵢⵜ (800 g, 1.5 kg)
keypad-delete = ⴽⴽⵙ
keypad-decimal = ⵜⵉⵇⵇⵉⵜ
sell-on = ⵣⵣⵏⵣ ⴳ { $marketplace }
no-marketplaces = ⵓⵔ ⵜⴰ ⵉⵍⵍⵉ ⴽⵔⴰ ⵏ ⵓⵙⵓⵇ: ⴰⵎⵖⴰⵔ ⴰⵢ ⵉⵜⵜⵔⵏⵓⵏ ⵉⵙⵓⵇⴰⵏ ⵏ ⵜⵎⵢⴰⵡⴰⵙⵜ. ⴰⴼⴰⵔⵉⵙ ⵉⵜⵜⵓⵃⴹⴰ ⴷⴰ.
saving-never-waits = ⵉⵜⵜⵓⵃⴹⴰ ⴷⵖⵉ ⴳ ⵡⴰⵍⵍⴰⵍ ⴰⴷ; ⵔⴰⴷ ⵉⵜⵜⵡⴰⵣⵏ ⵎⴽ ⵉⵍⵍⴰ ⵓⵣⴷⴰⵢ.

## Field names, for problems
field-title = ⴰⵣⵡⵍ ({ $lang })
field-description = ⴰⴳⵍⴰⵎ ({ $lang })
field-category = ⵜⴰⴳⴳⴰⵢⵜ
field-price = ⴰⵜⵉⴳ
field-quantity = ⵓⵟⵟⵓⵏ
field-maker = ⴰⵏⴰⵥⵓⵕ
field-materials = ⵍⵎⵡⴰⴷ
field-dimensions = ⵜⵉⵖⵣⵉ
field-weight = ⵜⴰⵥⴰⵢⵜ
field-status = ⴰⴷⴷⴰⴷ
field-photos = ⵜⵉⵡⵍⴰⴼⵉⵏ
field-name = ⵉⵙⵎ
field-cooperative = ⵜⴰⵎⵢⴰⵡⴰⵙⵜ
field-nia = ⵓⵟⵟⵓⵏ ⵏ ⵓⵏⴰⵥⵓⵕ (NIA)

## What is wrong with a field (standalone phrases, shown under the field)
problem-required = ⵉⵇⵇⴰⵏ ⴰⴷ ⵜⵄⵎⵎⵔⴷ ⴰⵢⴰ
problem-no_title = ⴰⵔⵓ ⴰⵣⵡⵍ ⵙ ⵢⴰⵜ ⵜⵓⵜⵍⴰⵢⵜ ⵖⴰⵙ. ⵓⵔ ⵉⵇⵇⵉⵏ ⵉ ⵓⴼⴰⵔⵉⵙ ⵓⵔ ⵜⴰ ⵉⵎⵎⵉⴷⵏ.
problem-too_long = ⵉⵖⵣⵉⴼ ⴱⵣⵣⴰⴼ: { $max } ⵏ ⵉⵙⴽⴽⵉⵍⵏ ⵖⴰⵙ
problem-too_many = ⵉⵎⵇⵇⵓⵔ ⵓⵟⵟⵓⵏ ⴱⵣⵣⴰⴼ: { $max } ⵖⴰⵙ
problem-not_a_number = ⵓⵔ ⵉⴳⵉ ⵓⵟⵟⵓⵏ: ⴰⵔⵓ ⵉⵟⵟⵓⵏⵏ, ⴰⵎⵎ 120 ⵏⵖ 120.50 (ⵉⵖⵓⴷⴰ ⵓⵍⴰ ١٢٠)
problem-negative = ⵓⵔ ⵉⵣⵎⵉⵔ ⴰⴷ ⵉⵍⵉ ⴷⴷⴰⵡ 0
problem-zero = ⵉⵇⵇⴰⵏ ⴰⴷ ⵉⴳ ⵓⴳⴳⴰⵔ ⵏ 0
problem-too_many_decimals = ⴳⵓⵜⵏ ⵉⵟⵟⵓⵏⵏ ⴷⴼⴼⵉⵔ ⵜⵉⵇⵇⵉⵜ: { $max } ⵖⴰⵙ
problem-too_large = ⵉⵎⵇⵇⵓⵔ ⴱⵣⵣⴰⴼ: { $max } ⵖⴰⵙ
problem-not_a_whole_number = ⴰⵔⵓ ⵓⵟⵟⵓⵏ ⴱⵍⴰ ⵜⵉⵇⵇⵉⵜ, ⴰⵎⵎ 1 ⵏⵖ 12
problem-unknown_category = ⵓⵔ ⵜⵍⵍⵉ ⵜⴳⴳⴰⵢⵜ ⴰⴷ
problem-unknown_status = ⵓⵔ ⵉⵍⵍⵉ ⵓⴷⴷⴰⴷ ⴰⴷ
problem-unknown_maker = ⴰⵏⴰⵥⵓⵕ ⴰⴷ ⵓⵔ ⵉⴳⵉ ⵏ ⵓⴷⵖⴰⵔ ⴰⴷ ⵏ ⵜⵡⵓⵔⵉ
problem-unknown_cooperative = ⵓⵔ ⵜⵍⵍⵉ ⵜⵎⵢⴰⵡⴰⵙⵜ ⴰⴷ
problem-unknown_role = ⵓⵔ ⵜⵍⵍⵉ ⵜⵡⵓⵔⵉ ⴰⴷ
problem-bad_dimensions = ⴰⵔⵓ ⵜⵉⵖⵣⵉ ⴰⵎⵎ: 30 x 20 x 10 cm
problem-bad_weight = ⴰⵔⵓ ⵜⴰⵥⴰⵢⵜ ⴰⵎⵎ: 800 g ⵏⵖ 1.5 kg
problem-bad_nia = ⵉⵙⴽⴽⵉⵍⵏ ⴷ ⵉⵟⵟⵓⵏⵏ ⴷ ⵉⵏⴳⵔⴰⵜⵏ ⴷ - ⵖⴰⵙ
problem-bad_characters = ⵍⵍⴰⵏ ⴽⵔⴰ ⵏ ⵉⵙⴽⴽⵉⵍⵏ ⵓⵔ ⵉⵜⵜⵓⵙⵓⵔⴳⵏ

## Errors the engine reports
error-not_allowed = ⵓⵔ ⵜⵣⵎⵉⵔⴷ ⴰⴷ ⵜⵙⵏⴼⵍⴷ ⴰⵢⴰ: ⵉⴳⴰ ⵡⵉⵏ ⴽⵔⴰ ⵏ ⵓⵏⴰⵥⵓⵕ ⵢⴰⴹⵏ.
error-viewer = ⵜⵣⵎⵔⴷ ⴰⴷ ⵜⵥⵕⴷ, ⵎⴰⵛⴰ ⵓⵔ ⵜⵣⵎⵉⵔⴷ ⴰⴷ ⵜⵙⵏⴼⵍⴷ ⴰⵡⴷ ⵢⴰⵜ.
error-leader_only = ⵖⴰⵙ ⴰⵎⵖⴰⵔ ⵏ ⵓⴷⵖⴰⵔ ⵏ ⵜⵡⵓⵔⵉ ⴰⵢ ⵉⵣⵎⵔⵏ ⴰⴷ ⵉⴳ ⴰⵢⴰ.
error-nobody_working = ⵉⵏⵉ ⵎⴰ ⵉⵅⴷⴷⵎⵏ ⴷⵖⵉ.
error-unsent = { $changes ->
    [one] { $changes } ⴰⵙⵏⴼⵍ ⴳ ⵓⵔⴰⵊⵓ ⵉ { $marketplace }: ⴰⵣⵏ ⵏⵖ ⴽⴽⵙ.
   *[other] { $changes } ⵉⵙⵏⴼⵍⵏ ⴳ ⵓⵔⴰⵊⵓ ⵉ { $marketplace }: ⴰⵣⵏ ⵏⵖ ⴽⴽⵙ.
}
error-last_leader = ⵉⵇⵇⴰⵏ ⵢⴰⵏ ⵓⵎⵖⴰⵔ ⴳ ⵓⴷⵖⴰⵔ ⵏ ⵜⵡⵓⵔⵉ: ⴳ ⵢⴰⵏ ⵢⴰⴹⵏ ⴰⵎⵖⴰⵔ.
error-disk_full = ⵉⵜⵜⵓⵄⵎⵎⵔ ⵡⴰⵍⵍⴰⵍ: ⴽⴽⵙ ⴽⵔⴰ, ⴰⵔⵎ ⴷⴰⵖ. ⴽⵓⵍⵍⵓ ⵎⴰ ⵉⵜⵜⵓⵃⴹⴰⵏ ⵉⵇⵇⵉⵎ.
error-photo_empty = ⴰⴼⴰⵢⵍⵓ ⴰⴷ ⵉⵅⵡⴰ: ⴼⵔⵏ ⵜⴰⵡⵍⴰⴼⵜ ⴷⴰⵖ.
error-photo_not_a_photo = ⴰⴼⴰⵢⵍⵓ ⴰⴷ ⵓⵔ ⵉⴳⵉ ⵜⴰⵡⵍⴰⴼⵜ: ⴼⵔⵏ ⵜⴰⵡⵍⴰⴼⵜ JPEG ⵏⵖ PNG.
error-photo_unsupported = ⵓⵔ ⵜⵣⵎⵉⵔ ⵜⵙⵏⵙⵉ ⴰⴷ ⵜⵖⵔ ⴰⵏⴰⵡ ⴰⴷ ⵏ ⵜⵡⵍⴰⴼⵜ: ⵃⴹⵓ ⵜⵜ ⵙ JPEG.
error-photo_damaged = ⵜⴰⵡⵍⴰⴼⵜ ⴰⴷ ⵜⵅⵙⵔ: ⴰⵎⵥ ⵜⵜ ⴷⴰⵖ.
error-photo_too_big = ⵜⴰⵡⵍⴰⴼⵜ ⴰⴷ ⵜⵎⵇⵇⵓⵔ ⴱⵣⵣⴰⴼ: ⵙⵏⵇⵙ ⵜⵉⵖⵣⵉ ⴳ ⵜⵉⵙⵖⴰⵍ ⵏ ⵜⴽⴰⵎⵉⵔⴰ, ⵜⴰⵎⵥⴷ ⵜⵜ ⴷⴰⵖ.
error-photo_failed = ⵓⵔ ⵜⵣⵎⵉⵔ ⵜⵙⵏⵙⵉ ⴰⴷ ⵜⵙⵡⵊⴷ ⵜⴰⵡⵍⴰⴼⵜ ⴰⴷ: ⴰⵔⵎ ⴷⴰⵖ.

## Sync, always on screen
sync-offline = ⴱⵍⴰ ⴰⵣⴷⴰⵢ
sync-offline-waiting = { $count ->
    [one] ⴱⵍⴰ ⴰⵣⴷⴰⵢ: { $count } ⴰⵙⵏⴼⵍ ⴳ ⵓⵔⴰⵊⵓ
   *[other] ⴱⵍⴰ ⴰⵣⴷⴰⵢ: { $count } ⵉⵙⵏⴼⵍⵏ ⴳ ⵓⵔⴰⵊⵓ
}
sync-waiting = { $count ->
    [one] { $count } ⴰⵙⵏⴼⵍ ⴳ ⵓⵔⴰⵊⵓ
   *[other] { $count } ⵉⵙⵏⴼⵍⵏ ⴳ ⵓⵔⴰⵊⵓ
}
sync-sending = ⴰⵣⴰⵏ { $sent } ⵙⴳ { $total }
sync-all-sent = ⵉⵜⵜⵡⴰⵣⵏ ⴽⵓⵍⵍⵓ
sync-all-sent-at = ⵉⵜⵜⵡⴰⵣⵏ ⴽⵓⵍⵍⵓ, ⴰⵣⴰⵏ ⴰⵏⴳⴳⴰⵔⵓ: { $time }
sync-nothing-yet = ⵓⵔ ⵉⵍⵍⵉ ⵎⴰ ⵔⴰⴷ ⵉⵜⵜⵡⴰⵣⵏ
sync-paused = ⵉⴱⴷⴷ ⵓⵣⴰⵏ
sync-waiting-for-wifi = ⴳ ⵓⵔⴰⵊⵓ ⵏ Wi-Fi
sync-failed = { $count ->
    [one] ⵥⵕ { $count } ⴰⵙⵏⴼⵍ
   *[other] ⵥⵕ { $count } ⵉⵙⵏⴼⵍⵏ
}
sync-trouble = ⵉⴱⴷⴷ ⵓⵣⴰⵏ: { $message }
sync-now = ⴰⵣⵏ ⴷⵖⵉ

## The queue screen
queue = ⴰⵣⴰⵏ
queue-empty = ⵉⵜⵜⵡⴰⵣⵏ ⴽⵓⵍⵍⵓ.
queue-waiting = ⴳ ⵓⵔⴰⵊⵓ
queue-failed = ⵉⵇⵇⴰⵏ ⴰⴷ ⵜⵥⵕⴷ
lane-sent = ⵉⵜⵜⵡⴰⵣⵏ
lane-waiting = { $changes ->
    [one] { $changes } ⴰⵙⵏⴼⵍ ⴳ ⵓⵔⴰⵊⵓ
   *[other] { $changes } ⵉⵙⵏⴼⵍⵏ ⴳ ⵓⵔⴰⵊⵓ
}
lane-sending = ⴰⵔ ⵉⵜⵜⵡⴰⵣⴰⵏ
lane-checking = ⴰⵙⵖⵥⵏ ⴰⴽⵉⴷ ⵓⵙⵓⵇ
lane-failed = ⵢⵓⴳⵉ ⵜ ⵓⵙⵓⵇ
lane-needs_sign_in = ⴽⵛⵎ ⴷⴰⵖ ⵖⵔ ⵓⵙⵓⵇ ⴰⴷ
lane-sold_out = ⵓⵔ ⵉⵇⵇⵉⵎ ⵡⴰⵍⵓ: ⴰⵔ ⴷ ⵢⴰⵖⵓⵍ
lane-reason = ⵉⵏⵏⴰ ⵓⵙⵓⵇ: { $reason }
retry = ⴰⵔⵎ ⴷⴰⵖ
discard = ⴽⴽⵙ
discard-means = ⵓⵔ ⵙⵓⵍ ⵜⵣⵣⵏⵣⴷ ⴳ { $marketplace }
data-saver = ⵙⵙⵎⵔⵙ ⴰⵣⴷⴰⵢ
saver-wifi_only = Wi-Fi ⵖⴰⵙ
saver-any_network = ⴽⵓ ⴰⵣⴷⴰⵢ
saver-paused = ⵉⴱⴷⴷ

## The workshop screen
workshop = ⴰⴷⵖⴰⵔ ⵏ ⵜⵡⵓⵔⵉ
artisans = ⵉⵏⴰⵥⵓⵕⵏ
add-artisan = ⵔⵏⵓ ⴰⵏⴰⵥⵓⵕ
set-portrait = ⴰⵎⵥ ⵜⴰⵡⵍⴰⴼⵜ ⵏⵏⵙ
marketplaces = ⵉⵙⵓⵇⴰⵏ
remove-account = ⴽⴽⵙ ⴰⵎⵉⴹⴰⵏ ⴰⴷ
account-removed = ⵉⵜⵜⵡⴰⴽⴽⵙ ⵓⵎⵉⴹⴰⵏ

## Titles buyers read, for a product the artisan lists without typing one
listing-title-pottery = ⵉⵇⵍⵍⴰⵍⵏ ⵏ ⵍⵎⵖⵔⵉⴱ, ⵙ ⵓⴼⵓⵙ
listing-title-carpets = ⵜⴰⵣⵔⴱⵉⵜ ⵏ ⵍⵎⵖⵔⵉⴱ, ⵙ ⵓⴼⵓⵙ
listing-title-clothing = ⵉⵔⵓⴹ ⵏ ⵍⵎⵖⵔⵉⴱ, ⵙ ⵓⴼⵓⵙ
listing-title-leather = ⵉⵍⵎ ⵏ ⵍⵎⵖⵔⵉⴱ, ⵙ ⵓⴼⵓⵙ
listing-title-wood = ⴰⵙⵖⴰⵔ ⵏ ⵍⵎⵖⵔⵉⴱ, ⵙ ⵓⴼⵓⵙ
listing-title-metal = ⵓⵣⵣⴰⵍ ⵏ ⵍⵎⵖⵔⵉⴱ, ⵙ ⵓⴼⵓⵙ
listing-title-basketry = ⵙⵍⴰⵍ ⵏ ⵍⵎⵖⵔⵉⴱ, ⵙ ⵓⴼⵓⵙ
listing-title-jewellery = ⵓⵔⵖ ⴷ ⵓⵥⵔⴼ ⵏ ⵍⵎⵖⵔⵉⴱ, ⵙ ⵓⴼⵓⵙ
listing-title-textiles = ⴰⵥⵟⵟⴰ ⵏ ⵍⵎⵖⵔⵉⴱ, ⵙ ⵓⴼⵓⵙ
listing-title-stone = ⴰⵥⵔⵓ ⵏ ⵍⵎⵖⵔⵉⴱ, ⵙ ⵓⴼⵓⵙ
listing-title-argan = ⴰⵔⴳⴰⵏ ⵏ ⵍⵎⵖⵔⵉⴱ, ⵙⴳ ⵜⵎⵢⴰⵡⴰⵙⵜ
listing-title-other = ⵜⴰⵥⵓⵕⵉ ⵏ ⵍⵎⵖⵔⵉⴱ

## ⴰⵙⴽⴰⵏ ⵏ ⵓⵎⵙⵍⵎⴷ
demo-start = ⴰⵔⵎ ⴰⵙⴽⴰⵏ
demo-starting = ⴰⵙⴽⴰⵏ ⵉⵜⵜⵓⵙⵡⵊⴰⴷ…
demo-badge = ⴰⵙⴽⴰⵏ
demo-network = ⴰⵥⵟⵟⴰ
demo-offline = ⵓⵔ ⵍⵍⵉⵏ ⵓⵥⵟⵟⴰ
demo-slow2g = ⴰⵥⵟⵟⴰ ⵉⵏⵣⵣⵉ 2G
demo-online = ⵉⵇⵇⵏ
demo-open-shop = ⵕⵥⵎ ⵜⴰⵃⴰⵏⵓⵜ
demo-sale = ⵙⴽⵔ ⴰⵣⵏⵣⵉ
demo-sale-pick = ⵜⴰⵥⵓⵕⵉ ⵎⴰⵏⵉ ⵉⵙⵖⴰ ⵓⵎⵙⴰⵖ?
demo-reset = ⴰⵍⵙ ⵙⴳ ⵓⵣⵡⵡⴰⵔ
demo-leave = ⴼⴼⵖ ⵙⴳ ⵓⵙⴽⴰⵏ
error-not_live = ⵜⴰⵥⵓⵕⵉ ⴰⴷ ⵓⵔ ⵜⵍⵍⵉ ⵖ ⵓⵣⵏⵣⵉ ⴰⵙⵍⴽⵉⵏ (ⵏⵖ ⵜⴼⵓⴽⴰ): ⴰⵔⴰⵊⵓ ⴰⵔ ⴷ ⵜⵎⵙⴰⵙⴰ.

## ⵉⵣⵏⵣⵉⵢⵏ
sold-title = ⵉⵜⵜⵓⵣⵏⵣⴰ!
sold-what = { $quantity } × { $title } ⵖ { $marketplace }
stock-left = { $count ->
    [0] ⵉⴼⵓⴽⴰ
    [one] ⵉⵇⵇⵉⵎ 1
   *[other] ⵇⵇⵉⵎⵏ { $count }
}
