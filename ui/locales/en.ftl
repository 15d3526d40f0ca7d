# Hanout's words in English. Every string the window shows comes from these files; the
# four files (ar, en, fr, tzm) have the same keys (tests/messages.rs checks).
# Counts use plural forms; $amount and $time arrive already formatted for the language.

## The language itself, shown in the language picker in its own script.
language-name = English

## Start and the workshop
app-name = Hanout
welcome-title = Welcome to Hanout
welcome-workshop = Workshop or cooperative
welcome-your-name = Your name
welcome-start = Start
cannot-start = Hanout cannot start
who-is-working = Who is working?
switch-person = Change who is working
role-leader = Leader
role-artisan = Artisan
role-viewer = Viewer
choose-language = Language

## The catalog
search = Search
add-product = Add a product
no-products = No products yet: add one with +
nothing-found = Nothing found
all-statuses = All statuses
all-categories = All categories
all-makers = All makers
filters = Filters
price-in-dh = { $amount } DH
currency = DH
made-by = Made by { $name }
quantity-left = { $count ->
    [one] 1 left
   *[other] { $count } left
}

## Product statuses
status-draft = Draft
status-ready = Ready
status-listed = Listed
status-sold_out = Sold out
status-archived = Archived

## Categories
category-pottery = Pottery
category-carpets = Carpets
category-clothing = Clothing
category-leather = Leather
category-wood = Wood
category-metal = Metal
category-basketry = Basketry
category-jewellery = Jewellery
category-textiles = Textiles
category-stone = Stone
category-argan = Argan
category-other = Other

## The product form, in three steps
new-product = New product
edit-product = Edit product
step-photos = Photos
step-what = What and price
step-where = Where to sell
next = Next
back = Back
close = Close
save = Save
saved = Saved
archive = Archive
take-photo = Take a photo
choose-photos = Choose photos
photo-count = { $count ->
    [one] 1 photo
   *[other] { $count } photos
}
processing-photo = Photo { $n } of { $total }
make-cover = Make it the cover
move-later = Move later
remove-photo = Remove
category = Category
title = Title
title-in = Title ({ $lang })
description-in = Description ({ $lang })
title-optional = A title helps buyers find it; you can add it later.
price = Price (DH)
quantity = Quantity
fewer = One fewer
more = One more
maker = Maker
new-maker = New maker
new-maker-name = New maker's name
product-status = Status
more-details = More details
materials = Materials
size = Size (30 x 20 x 10 cm)
weight = Weight (800 g, 1.5 kg)
keypad-delete = Delete
keypad-decimal = Decimal point
sell-on = Sell on { $marketplace }
no-marketplaces = No marketplace yet: the leader adds the cooperative's shops. The product is kept here until then.
saving-never-waits = Saved on this device now; it is sent when there is a network.

## Field names, for problems
field-title = title ({ $lang })
field-description = description ({ $lang })
field-category = category
field-price = price
field-quantity = quantity
field-maker = maker
field-materials = materials
field-dimensions = size
field-weight = weight
field-status = status
field-photos = photos
field-name = name
field-cooperative = cooperative
field-nia = artisan number (NIA)

## What is wrong with a field
problem-required = is required
problem-no_title = needs a title in at least one language, unless it is a draft
problem-too_long = is too long: at most { $max } characters
problem-too_many = has too many: at most { $max }
problem-not_a_number = is not a number: type digits, such as 120 or 120.50 (١٢٠ works too)
problem-negative = cannot be negative
problem-zero = must be more than zero
problem-too_many_decimals = has too many digits after the point: at most { $max }
problem-too_large = is too large: at most { $max }
problem-not_a_whole_number = must be a whole number, such as 1 or 12
problem-unknown_category = is not a known category
problem-unknown_status = is not a known status
problem-unknown_maker = is not an artisan of this workshop
problem-unknown_cooperative = is not a known cooperative
problem-unknown_role = is not a known role
problem-bad_dimensions = is not a size: such as 30 x 20 x 10 cm
problem-bad_weight = is not a weight: such as 800 g or 1.5 kg
problem-bad_nia = may hold only letters, digits, spaces and dashes
problem-bad_characters = has characters that are not allowed

## Errors the engine reports
error-not_allowed = You cannot change this: it belongs to another artisan.
error-viewer = You can look, but not change anything.
error-leader_only = Only the workshop's leader can do this.
error-nobody_working = Say who is working first.
error-unsent = { $changes ->
    [one] 1 change has not reached { $marketplace } yet: send it or discard it first.
   *[other] { $changes } changes have not reached { $marketplace } yet: send them or discard them first.
}
error-last_leader = A workshop needs a leader: make someone else leader first.
error-disk_full = The device is full: free some space, then try again. Nothing saved was lost.
error-photo_empty = This file is empty: choose the photo again.
error-photo_not_a_photo = This file is not a photo: choose a JPEG or PNG photo.
error-photo_unsupported = This kind of photo cannot be read yet: save it as an ordinary JPEG.
error-photo_damaged = This photo is damaged: take it again.
error-photo_too_big = This photo is too big: take it again with the phone's camera settings lower.
error-photo_failed = This photo could not be prepared: try again.

## Sync, always on screen
sync-offline = Offline
sync-offline-waiting = { $count ->
    [one] Offline: 1 change waiting
   *[other] Offline: { $count } changes waiting
}
sync-waiting = { $count ->
    [one] 1 change waiting
   *[other] { $count } changes waiting
}
sync-sending = Sending { $sent } of { $total }
sync-all-sent = All sent
sync-all-sent-at = All sent, last at { $time }
sync-nothing-yet = Nothing to send
sync-paused = Sync paused
sync-waiting-for-wifi = Waiting for Wi-Fi
sync-failed = { $count ->
    [one] 1 needs you
   *[other] { $count } need you
}
sync-trouble = Sync stopped: { $message }
sync-now = Send now

## The queue screen
queue = Queue
queue-empty = Everything has been sent.
queue-waiting = Waiting
queue-failed = Needs you
lane-sent = Sent
lane-waiting = { $changes ->
    [one] 1 change waiting
   *[other] { $changes } changes waiting
}
lane-sending = Sending
lane-checking = Checking with the marketplace
lane-failed = Refused by the marketplace
lane-needs_sign_in = Sign in again to this marketplace
lane-sold_out = Sold out: off until there is stock again
lane-reason = The marketplace said: { $reason }
retry = Retry
discard = Discard
discard-means = Stop selling it on { $marketplace }
data-saver = Use the network
saver-wifi_only = Wi-Fi only
saver-any_network = Any network
saver-paused = Paused

## The workshop screen
workshop = Workshop
artisans = Artisans
add-artisan = Add an artisan
set-portrait = Take their photo
marketplaces = Marketplaces
remove-account = Remove this account
account-removed = Account removed

## Titles buyers read, for a product the artisan lists without typing one
listing-title-pottery = Handmade Moroccan pottery
listing-title-carpets = Handwoven Moroccan rug
listing-title-clothing = Traditional Moroccan clothing
listing-title-leather = Handmade Moroccan leather
listing-title-wood = Hand-carved Moroccan wood
listing-title-metal = Handcrafted Moroccan metalwork
listing-title-basketry = Handwoven Moroccan basket
listing-title-jewellery = Handmade Moroccan jewellery
listing-title-textiles = Handwoven Moroccan textile
listing-title-stone = Hand-carved Moroccan stone
listing-title-argan = Moroccan argan, from the cooperative
listing-title-other = Moroccan handicraft

## The trainer's demo
demo-start = Try the demo
demo-starting = Preparing the demo…
demo-badge = Demo
demo-network = Network
demo-offline = No network
demo-slow2g = Slow 2G
demo-online = Online
demo-open-shop = Open the shop
demo-sale = Simulate a sale
demo-sale-pick = Which piece does the buyer buy?
demo-reset = Start again
demo-leave = Leave the demo
error-not_live = This piece is not for sale online yet (or is sold out): let it sync first.

## Sales
sold-title = Sold!
sold-what = { $quantity } × { $title } on { $marketplace }
stock-left = { $count ->
    [0] Sold out
    [one] 1 left
   *[other] { $count } left
}
