# كلمات حانوت بالعربية. كل نص تعرضه النافذة يأتي من هذه الملفات؛ الملفات
# الأربعة (ar, en, fr, tzm) لها نفس المفاتيح (يتحقق منها tests/messages.rs).
# الأعداد تستعمل صيغ الجمع؛ $amount و$time يصلان منسقين مسبقا حسب اللغة.

## اسم اللغة نفسها، يظهر في قائمة اختيار اللغة بحروفها.
language-name = العربية

## البداية والورشة
app-name = حانوت
welcome-title = مرحبا بك في حانوت
welcome-workshop = الورشة أو التعاونية
welcome-your-name = اسمك
welcome-start = ابدأ
cannot-start = تعذر تشغيل حانوت
who-is-working = من يعمل الآن؟
switch-person = غيّر من يعمل
role-leader = مسؤول
role-artisan = حرفي
role-viewer = مشاهد
choose-language = اللغة

## الكتالوج
search = بحث
add-product = أضف منتوجا
no-products = لا توجد منتوجات بعد: أضف واحدا بزر +
nothing-found = لا توجد نتائج
all-statuses = كل الحالات
all-categories = كل الأصناف
all-makers = كل الحرفيين
filters = تصفية
price-in-dh = { $amount } درهم
currency = درهم
made-by = من صنع { $name }
quantity-left = { $count ->
    [zero] لم يبق شيء
    [one] بقيت قطعة واحدة
    [two] بقيت قطعتان
    [few] بقيت { $count } قطع
    [many] بقيت { $count } قطعة
   *[other] بقيت { $count } قطعة
}

## حالات المنتوج
status-draft = مسودة
status-ready = جاهز
status-listed = معروض للبيع
status-sold_out = نفد
status-archived = مؤرشف

## الأصناف
category-pottery = فخار
category-carpets = زرابي
category-clothing = ملابس
category-leather = جلد
category-wood = خشب
category-metal = معادن
category-basketry = سلال
category-jewellery = حلي
category-textiles = نسيج
category-stone = حجر
category-argan = أركان
category-other = أخرى

## بطاقة المنتوج، في ثلاث خطوات
new-product = منتوج جديد
edit-product = تعديل المنتوج
step-photos = الصور
step-what = المنتوج والثمن
step-where = أين تبيع
next = التالي
back = رجوع
close = أغلق
save = احفظ
saved = تم الحفظ
archive = أرشف
take-photo = التقط صورة
choose-photos = اختر صورا
photo-count = { $count ->
    [zero] لا صور
    [one] صورة واحدة
    [two] صورتان
    [few] { $count } صور
    [many] { $count } صورة
   *[other] { $count } صورة
}
processing-photo = الصورة { $n } من { $total }
make-cover = اجعلها الصورة الرئيسية
move-later = أخّرها
remove-photo = احذف
category = الصنف
title = العنوان
title-in = العنوان ({ $lang })
description-in = الوصف ({ $lang })
title-optional = العنوان يساعد المشترين على إيجاد المنتوج، ويمكنك إضافته لاحقا.
price = الثمن (درهم)
quantity = الكمية
fewer = ناقص واحد
more = زائد واحد
maker = الحرفي
new-maker = حرفي جديد
new-maker-name = اسم الحرفي الجديد
product-status = الحالة
more-details = تفاصيل أخرى
materials = المواد
size = المقاس (30 x 20 x 10 cm)
weight = الوزن (800 g أو 1.5 kg)
keypad-delete = امسح
keypad-decimal = فاصلة عشرية
sell-on = البيع في { $marketplace }
no-marketplaces = لا توجد منصة بيع بعد: يضيف المسؤول متاجر التعاونية. يبقى المنتوج محفوظا هنا إلى ذلك الحين.
saving-never-waits = حُفظ الآن على هذا الجهاز، وسيُرسل عند توفر الشبكة.

## أسماء الخانات، للمشاكل
field-title = العنوان ({ $lang })
field-description = الوصف ({ $lang })
field-category = الصنف
field-price = الثمن
field-quantity = الكمية
field-maker = الحرفي
field-materials = المواد
field-dimensions = المقاس
field-weight = الوزن
field-status = الحالة
field-photos = الصور
field-name = الاسم
field-cooperative = التعاونية
field-nia = رقم الحرفي (NIA)

## ما المشكل في الخانة (جمل مستقلة تظهر تحت الخانة)
problem-required = هذه الخانة إجبارية
problem-no_title = العنوان مطلوب بلغة واحدة على الأقل، إلا في المسودة
problem-too_long = النص طويل جدا، الحد الأقصى للحروف: { $max }
problem-too_many = العدد كبير جدا، الحد الأقصى: { $max }
problem-not_a_number = القيمة ليست رقما: اكتب أرقاما، مثل 120 أو 120.50 (١٢٠ تصلح أيضا)
problem-negative = يجب ألا تكون القيمة سالبة
problem-zero = يجب أن تكون القيمة أكبر من صفر
problem-too_many_decimals = أرقام كثيرة بعد الفاصلة، الحد الأقصى: { $max }
problem-too_large = القيمة كبيرة جدا، الحد الأقصى: { $max }
problem-not_a_whole_number = أدخل عددا صحيحا، مثل 1 أو 12
problem-unknown_category = صنف غير معروف
problem-unknown_status = حالة غير معروفة
problem-unknown_maker = هذا الحرفي ليس من هذه الورشة
problem-unknown_cooperative = تعاونية غير معروفة
problem-unknown_role = دور غير معروف
problem-bad_dimensions = مقاس غير صحيح، مثال: 30 x 20 x 10 cm
problem-bad_weight = وزن غير صحيح، مثال: 800 g أو 1.5 kg
problem-bad_nia = تُقبل فقط الحروف والأرقام والمسافات والشرطات (-)
problem-bad_characters = توجد رموز غير مسموح بها

## أخطاء يبلغ عنها المحرك
error-not_allowed = لا يمكنك تعديل هذا: إنه يخص حرفيا آخر.
error-viewer = يمكنك الاطلاع فقط، دون أي تعديل.
error-leader_only = مسؤول الورشة وحده يستطيع القيام بهذا.
error-nobody_working = حدد أولا من يعمل.
error-unsent = { $changes ->
    [zero] لا توجد تغييرات معلقة على { $marketplace }.
    [one] تغيير واحد لم يصل بعد إلى { $marketplace }: أرسله أو ألغه أولا.
    [two] تغييران لم يصلا بعد إلى { $marketplace }: أرسلهما أو ألغهما أولا.
    [few] { $changes } تغييرات لم تصل بعد إلى { $marketplace }: أرسلها أو ألغها أولا.
    [many] { $changes } تغييرا لم تصل بعد إلى { $marketplace }: أرسلها أو ألغها أولا.
   *[other] { $changes } تغيير لم تصل بعد إلى { $marketplace }: أرسلها أو ألغها أولا.
}
error-last_leader = الورشة تحتاج إلى مسؤول: اجعل شخصا آخر مسؤولا أولا.
error-disk_full = ذاكرة الجهاز ممتلئة: أفرغ بعض المساحة ثم أعد المحاولة. لم يضع أي شيء محفوظ.
error-photo_empty = هذا الملف فارغ: اختر الصورة من جديد.
error-photo_not_a_photo = هذا الملف ليس صورة: اختر صورة JPEG أو PNG.
error-photo_unsupported = لا يمكن قراءة هذا النوع من الصور بعد: احفظها بصيغة JPEG عادية.
error-photo_damaged = هذه الصورة تالفة: التقطها من جديد.
error-photo_too_big = هذه الصورة كبيرة جدا: خفّض جودة الكاميرا في إعدادات الهاتف ثم التقطها من جديد.
error-photo_failed = تعذر تجهيز هذه الصورة: أعد المحاولة.

## الإرسال، يظهر دائما على الشاشة
sync-offline = غير متصل
sync-offline-waiting = { $count ->
    [zero] غير متصل: لا تغييرات في الانتظار
    [one] غير متصل: تغيير واحد في الانتظار
    [two] غير متصل: تغييران في الانتظار
    [few] غير متصل: { $count } تغييرات في الانتظار
    [many] غير متصل: { $count } تغييرا في الانتظار
   *[other] غير متصل: { $count } تغيير في الانتظار
}
sync-waiting = { $count ->
    [zero] لا تغييرات في الانتظار
    [one] تغيير واحد في الانتظار
    [two] تغييران في الانتظار
    [few] { $count } تغييرات في الانتظار
    [many] { $count } تغييرا في الانتظار
   *[other] { $count } تغيير في الانتظار
}
sync-sending = جارٍ إرسال { $sent } من { $total }
sync-all-sent = تم إرسال الكل
sync-all-sent-at = تم إرسال الكل، آخر إرسال: { $time }
sync-nothing-yet = لا شيء للإرسال
sync-paused = الإرسال متوقف مؤقتا
sync-waiting-for-wifi = في انتظار Wi-Fi
sync-failed = { $count ->
    [zero] لا شيء يحتاج تدخلك
    [one] تغيير واحد يحتاج تدخلك
    [two] تغييران يحتاجان تدخلك
    [few] { $count } تغييرات تحتاج تدخلك
    [many] { $count } تغييرا تحتاج تدخلك
   *[other] { $count } تغيير تحتاج تدخلك
}
sync-trouble = توقف الإرسال: { $message }
sync-now = أرسل الآن

## شاشة الإرسال
queue = قائمة الإرسال
queue-empty = تم إرسال كل شيء.
queue-waiting = في الانتظار
queue-failed = يحتاج تدخلك
lane-sent = تم الإرسال
lane-waiting = { $changes ->
    [zero] لا تغييرات في الانتظار
    [one] تغيير واحد في الانتظار
    [two] تغييران في الانتظار
    [few] { $changes } تغييرات في الانتظار
    [many] { $changes } تغييرا في الانتظار
   *[other] { $changes } تغيير في الانتظار
}
lane-sending = جارٍ الإرسال
lane-checking = جارٍ التحقق مع المنصة
lane-failed = رفضته المنصة
lane-needs_sign_in = سجّل الدخول من جديد إلى هذه المنصة
lane-sold_out = نفدت الكمية: يُسحب حتى تتوفر من جديد
lane-reason = رد المنصة: { $reason }
retry = أعد المحاولة
discard = إلغاء
discard-means = أوقف بيعه في { $marketplace }
data-saver = استعمال الشبكة
saver-wifi_only = Wi-Fi فقط
saver-any_network = أي شبكة
saver-paused = متوقف

## شاشة الورشة
workshop = الورشة
artisans = الحرفيون
add-artisan = أضف حرفيا
set-portrait = التقط صورة شخصية
marketplaces = منصات البيع
remove-account = احذف هذا الحساب
account-removed = تم حذف الحساب

## عناوين يقرؤها المشترون، لمنتوج يُعرض دون كتابة عنوان
listing-title-pottery = فخار مغربي مصنوع يدويا
listing-title-carpets = زربية مغربية منسوجة يدويا
listing-title-clothing = لباس مغربي تقليدي
listing-title-leather = جلد مغربي مصنوع يدويا
listing-title-wood = خشب مغربي منحوت يدويا
listing-title-metal = معادن مغربية مشغولة يدويا
listing-title-basketry = سلة مغربية منسوجة يدويا
listing-title-jewellery = حلي مغربية مصنوعة يدويا
listing-title-textiles = نسيج مغربي منسوج يدويا
listing-title-stone = حجر مغربي منحوت يدويا
listing-title-argan = أركان مغربي من التعاونية
listing-title-other = صناعة تقليدية مغربية

## العرض التجريبي للمكوّن
demo-start = جرّب العرض التجريبي
demo-starting = جارٍ تحضير العرض…
demo-badge = عرض تجريبي
demo-network = الشبكة
demo-offline = بلا شبكة
demo-slow2g = شبكة بطيئة 2G
demo-online = متصل
demo-open-shop = افتح المتجر
demo-sale = محاكاة بيع
demo-sale-pick = أي قطعة يشتري الزبون؟
demo-reset = ابدأ من جديد
demo-leave = الخروج من العرض
error-not_live = هذه القطعة ليست معروضة للبيع بعد (أو نفدت): انتظر حتى تتم المزامنة.

## المبيعات
sold-title = تم البيع!
sold-what = { $quantity } × { $title } على { $marketplace }
stock-left = { $count ->
    [0] نفد
    [zero] نفد
    [one] بقيت قطعة واحدة
    [two] بقيت قطعتان
    [few] بقيت { $count } قطع
    [many] بقيت { $count } قطعة
   *[other] بقيت { $count } قطعة
}
