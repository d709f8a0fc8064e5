// SPDX-License-Identifier: MIT
#include "language.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QSettings>
#include <QTranslator>

namespace latent::studio {
namespace {
const char *kLanguageKey = "ui/language";
}

QList<Language> availableLanguages()
{
    return {{"en", "English"}, {"de", "Deutsch"}, {"fr", "Français"}};
}

QLocale chosenLocale()
{
    const QString code = QSettings().value(kLanguageKey).toString();
    return code.isEmpty() ? QLocale::system() : QLocale(code);
}

void setChosenLanguage(const QString &code)
{
    if (code.isEmpty())
        QSettings().remove(kLanguageKey);
    else
        QSettings().setValue(kLanguageKey, code);
}

QString installTranslators(QCoreApplication &app, const QLocale &locale)
{
    // QLocale("en") would otherwise match nothing and fall through to the
    // embedded files by their UI languages list; English needs no file.
    if (locale.language() == QLocale::English) return {};
    const QString installed = QDir(QCoreApplication::applicationDirPath())
                                  .filePath("../share/latent-studio/translations");
    auto *studio = new QTranslator(&app);
    if (studio->load(locale, "latent-studio", "_", installed) ||
        studio->load(locale, "latent-studio", "_", ":/i18n")) {
        QCoreApplication::installTranslator(studio);
    } else {
        delete studio;
        return {};
    }
    auto *qt = new QTranslator(&app);
    if (qt->load(locale, "qtbase", "_", QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    else
        delete qt;
    return studio->filePath();
}

} // namespace latent::studio
