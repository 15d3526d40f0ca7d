# Les mots de Hanout en français. Chaque texte affiché vient de ces fichiers ; les
# quatre fichiers (ar, en, fr, tzm) ont les mêmes clés (tests/messages.rs vérifie).
# Les nombres utilisent les formes du pluriel ; $amount et $time arrivent déjà formatés pour la langue.

## La langue elle-même, affichée dans le choix de langue dans son propre alphabet.
language-name = Français

## Démarrage et atelier
app-name = Hanout
welcome-title = Bienvenue sur Hanout
welcome-workshop = Atelier ou coopérative
welcome-your-name = Votre nom
welcome-start = Commencer
cannot-start = Hanout ne peut pas démarrer
who-is-working = Qui travaille ?
switch-person = Changer de personne
role-leader = Responsable
role-artisan = Artisan
role-viewer = Observateur
choose-language = Langue

## Le catalogue
search = Rechercher
add-product = Ajouter un produit
no-products = Aucun produit : ajoutez-en un avec +
nothing-found = Aucun résultat
all-statuses = Tous les états
all-categories = Toutes les catégories
all-makers = Tous les artisans
filters = Filtres
price-in-dh = { $amount } DH
currency = DH
made-by = Fait par { $name }
quantity-left = { $count ->
    [one] { $count } restant
   *[other] { $count } restants
}

## États du produit
status-draft = Brouillon
status-ready = Prêt
status-listed = En vente
status-sold_out = Épuisé
status-archived = Archivé

## Catégories
category-pottery = Poterie
category-carpets = Tapis
category-clothing = Vêtements
category-leather = Cuir
category-wood = Bois
category-metal = Métal
category-basketry = Vannerie
category-jewellery = Bijoux
category-textiles = Tissage
category-stone = Pierre
category-argan = Argan
category-other = Autre

## La fiche produit, en trois étapes
new-product = Nouveau produit
edit-product = Modifier le produit
step-photos = Photos
step-what = Produit et prix
step-where = Où vendre
next = Suivant
back = Retour
close = Fermer
save = Enregistrer
saved = Enregistré
archive = Archiver
take-photo = Prendre une photo
choose-photos = Choisir des photos
photo-count = { $count ->
    [one] { $count } photo
   *[other] { $count } photos
}
processing-photo = Photo { $n } sur { $total }
make-cover = Mettre en couverture
move-later = Déplacer après
remove-photo = Retirer
category = Catégorie
title = Titre
title-in = Titre ({ $lang })
description-in = Description ({ $lang })
title-optional = Un titre aide les acheteurs à trouver le produit ; vous pouvez l'ajouter plus tard.
price = Prix (DH)
quantity = Quantité
fewer = Un de moins
more = Un de plus
maker = Artisan
new-maker = Nouvel artisan
new-maker-name = Nom du nouvel artisan
product-status = État
more-details = Plus de détails
materials = Matières
size = Dimensions (30 x 20 x 10 cm)
weight = Poids (800 g, 1,5 kg)
keypad-delete = Effacer
keypad-decimal = Virgule
sell-on = Vendre sur { $marketplace }
no-marketplaces = Pas encore de plateforme : le responsable ajoute les boutiques de la coopérative. Le produit reste ici en attendant.
saving-never-waits = Enregistré sur cet appareil ; il sera envoyé dès qu'il y aura du réseau.

## Noms des champs, pour les problèmes
field-title = titre ({ $lang })
field-description = description ({ $lang })
field-category = catégorie
field-price = prix
field-quantity = quantité
field-maker = artisan
field-materials = matières
field-dimensions = dimensions
field-weight = poids
field-status = état
field-photos = photos
field-name = nom
field-cooperative = coopérative
field-nia = numéro d'artisan (NIA)

## Ce qui ne va pas dans un champ
problem-required = est obligatoire
problem-no_title = est obligatoire dans au moins une langue, sauf pour un brouillon
problem-too_long = dépasse la limite : { $max } caractères au plus
problem-too_many = dépasse la limite : { $max } au plus
problem-not_a_number = n'est pas un nombre : tapez des chiffres, comme 120 ou 120,50 (١٢٠ marche aussi)
problem-negative = ne peut pas être en dessous de zéro
problem-zero = doit dépasser zéro
problem-too_many_decimals = a trop de chiffres après la virgule : { $max } au plus
problem-too_large = dépasse le maximum : { $max } au plus
problem-not_a_whole_number = doit être un nombre entier, comme 1 ou 12
problem-unknown_category = n'est pas une catégorie connue
problem-unknown_status = n'est pas un état connu
problem-unknown_maker = n'est pas un artisan de cet atelier
problem-unknown_cooperative = n'est pas une coopérative connue
problem-unknown_role = n'est pas un rôle connu
problem-bad_dimensions = n'est pas une taille valide : par exemple 30 x 20 x 10 cm
problem-bad_weight = n'est pas un poids valide : par exemple 800 g ou 1,5 kg
problem-bad_nia = ne peut contenir que des lettres, des chiffres, des espaces et des tirets
problem-bad_characters = contient des caractères interdits

## Erreurs signalées par le moteur
error-not_allowed = Vous ne pouvez pas modifier ceci : il appartient à un autre artisan.
error-viewer = Vous pouvez regarder, mais rien modifier.
error-leader_only = Seul le responsable de l'atelier peut faire cela.
error-nobody_working = Dites d'abord qui travaille.
error-unsent = { $changes ->
    [one] { $changes } modification n'est pas encore arrivée sur { $marketplace } : envoyez-la ou abandonnez-la d'abord.
   *[other] { $changes } modifications ne sont pas encore arrivées sur { $marketplace } : envoyez-les ou abandonnez-les d'abord.
}
error-last_leader = Un atelier a besoin d'un responsable : nommez d'abord quelqu'un d'autre responsable.
error-disk_full = L'appareil est plein : libérez de la place, puis réessayez. Rien de ce qui était enregistré n'est perdu.
error-photo_empty = Ce fichier est vide : choisissez la photo à nouveau.
error-photo_not_a_photo = Ce fichier n'est pas une photo : choisissez une photo JPEG ou PNG.
error-photo_unsupported = Ce type de photo ne peut pas encore être lu : enregistrez-la en JPEG ordinaire.
error-photo_damaged = Cette photo est abîmée : reprenez-la.
error-photo_too_big = Cette photo est trop grande : reprenez-la avec une qualité plus basse dans les réglages de l'appareil photo.
error-photo_failed = Cette photo n'a pas pu être préparée : réessayez.

## Envoi, toujours à l'écran
sync-offline = Hors ligne
sync-offline-waiting = { $count ->
    [one] Hors ligne : { $count } modification en attente
   *[other] Hors ligne : { $count } modifications en attente
}
sync-waiting = { $count ->
    [one] { $count } modification en attente
   *[other] { $count } modifications en attente
}
sync-sending = Envoi { $sent } sur { $total }
sync-all-sent = Tout est envoyé
sync-all-sent-at = Tout est envoyé, dernier envoi à { $time }
sync-nothing-yet = Rien à envoyer
sync-paused = Envoi en pause
sync-waiting-for-wifi = En attente du Wi-Fi
sync-failed = { $count ->
    [one] { $count } à revoir
   *[other] { $count } à revoir
}
sync-trouble = Envoi arrêté : { $message }
sync-now = Envoyer maintenant

## L'écran des envois
queue = Envois
queue-empty = Tout a été envoyé.
queue-waiting = En attente
queue-failed = À revoir
lane-sent = Envoyé
lane-waiting = { $changes ->
    [one] { $changes } modification en attente
   *[other] { $changes } modifications en attente
}
lane-sending = Envoi en cours
lane-checking = Vérification avec la plateforme
lane-failed = Refusé par la plateforme
lane-needs_sign_in = Reconnectez-vous à cette plateforme
lane-sold_out = Épuisé : retiré jusqu’au retour du stock
lane-reason = Réponse de la plateforme : { $reason }
retry = Réessayer
discard = Abandonner
discard-means = Arrêter de le vendre sur { $marketplace }
data-saver = Utiliser le réseau
saver-wifi_only = Wi-Fi seulement
saver-any_network = Tout réseau
saver-paused = En pause

## L'écran de l'atelier
workshop = Atelier
artisans = Artisans
add-artisan = Ajouter un artisan
set-portrait = Prendre sa photo
marketplaces = Plateformes
remove-account = Supprimer ce compte
account-removed = Compte supprimé

## Titres lus par les acheteurs, pour un produit mis en vente sans titre
listing-title-pottery = Poterie marocaine faite main
listing-title-carpets = Tapis marocain tissé main
listing-title-clothing = Vêtement traditionnel marocain
listing-title-leather = Cuir marocain fait main
listing-title-wood = Bois marocain sculpté à la main
listing-title-metal = Métal marocain travaillé à la main
listing-title-basketry = Panier marocain tressé à la main
listing-title-jewellery = Bijou marocain fait main
listing-title-textiles = Textile marocain tissé main
listing-title-stone = Pierre marocaine sculptée à la main
listing-title-argan = Argan du Maroc, de la coopérative
listing-title-other = Artisanat marocain

## La démonstration du formateur
demo-start = Essayer la démo
demo-starting = Préparation de la démo…
demo-badge = Démo
demo-network = Réseau
demo-offline = Pas de réseau
demo-slow2g = 2G lente
demo-online = En ligne
demo-open-shop = Ouvrir la boutique
demo-sale = Simuler une vente
demo-sale-pick = Quelle pièce l'acheteur achète-t-il ?
demo-reset = Recommencer
demo-leave = Quitter la démo
error-not_live = Cette pièce n'est pas encore en vente en ligne (ou elle est épuisée) : laissez-la se synchroniser.

## Ventes
sold-title = Vendu !
sold-what = { $quantity } × { $title } sur { $marketplace }
stock-left = { $count ->
    [0] Épuisé
    [one] Il en reste 1
   *[other] Il en reste { $count }
}
