// SPDX-License-Identifier: MIT
#include "preferencesdialog.h"

#include "language.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QSettings>
#include <QVBoxLayout>

#include <algorithm>

namespace latent::studio {

PreferencesDialog::PreferencesDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Preferences"));
    m_language = new QComboBox(this);
    m_language->setObjectName("preferencesLanguage");
    // The system's language when it ships (English, the source language,
    // among them), else English.
    const QList<Language> languages = availableLanguages();
    const QLocale system = QLocale::system();
    const bool translated = system.language() == QLocale::C || // POSIX: English
                            std::any_of(languages.begin(), languages.end(), [&](const Language &l) {
                                return QLocale(l.code).language() == system.language();
                            });
    m_language->addItem(
        translated
            ? tr("System language (%1)").arg(system.nativeLanguageName())
            : tr("System language (%1, not translated: English)").arg(system.nativeLanguageName()),
        QString());
    for (const Language &l : languages)
        m_language->addItem(l.nativeName, l.code);
    // A stored language this build does not ship (a newer version's, a
    // hand-edited file) shows as the system's; it is kept unless the user
    // picks another entry.
    m_openedAt = std::max(0, m_language->findData(QSettings().value("ui/language").toString()));
    m_language->setCurrentIndex(m_openedAt);

    auto *note = new QLabel(tr("The new language is used the next time Latent Studio starts."));
    note->setWordWrap(true);
    auto *form = new QFormLayout;
    form->addRow(tr("&Language:"), m_language);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
}

QString PreferencesDialog::languageCode() const
{
    return m_language->currentData().toString();
}

bool PreferencesDialog::apply()
{
    // Whether the language changes, not the setting: "Deutsch" on a German
    // system changes nothing.
    const auto inUse = [] { // the POSIX locale's messages are English
        const QLocale::Language l = chosenLocale().language();
        return l == QLocale::C ? QLocale::English : l;
    };
    if (m_language->currentIndex() == m_openedAt) return false; // nothing chosen
    const QLocale::Language before = inUse();
    setChosenLanguage(languageCode());
    m_openedAt = m_language->currentIndex(); // what is stored now
    return inUse() != before;
}

} // namespace latent::studio
