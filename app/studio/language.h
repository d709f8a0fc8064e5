// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QLocale>
#include <QString>

class QCoreApplication;

namespace latent::studio {

struct Language
{
    QString code;       // "de", "fr"; empty for the system's language
    QString nativeName; // as the language calls itself
};

// English (the source language) and every shipped translation.
QList<Language> availableLanguages();

// The language the settings ask for ("ui/language"), or the system's.
QLocale chosenLocale();
void setChosenLanguage(const QString &code);

// Loads the studio's translation for `locale` (a folder beside the
// executable, ../share/latent-studio/translations, wins over the embedded
// copy so that a packaged update needs no rebuild) and Qt's own strings,
// and installs them. Returns the file the studio's translation came from,
// empty for English.
QString installTranslators(QCoreApplication &app, const QLocale &locale);

} // namespace latent::studio
