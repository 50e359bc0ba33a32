#include "Translations.h"

#include <QCoreApplication>
#include <QLocale>
#include <QTranslator>

void Translations::install(QCoreApplication& app)
{
    // Installed translators are searched newest first: the user's language wins over English.
    auto* english = new QTranslator(&app);
    if (english->load(QStringLiteral(":/i18n/mailscope_en.qm")))
        QCoreApplication::installTranslator(english);
    auto* local = new QTranslator(&app);
    if (local->load(QLocale(), QStringLiteral("mailscope"), QStringLiteral("_"), QStringLiteral(":/i18n"))
        && local->language() != QLatin1String("en")) {
        QCoreApplication::installTranslator(local);
    } else {
        delete local;
    }
}
