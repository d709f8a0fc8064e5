// SPDX-License-Identifier: MIT
#include "preferencesdialog.h"

#include "language.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QSettings>
#include <QVBoxLayout>

namespace latent::studio {

PreferencesDialog::PreferencesDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Preferences"));
    m_language = new QComboBox(this);
    m_language->setObjectName("preferencesLanguage");
    m_language->addItem(tr("System language (%1)").arg(QLocale::system().nativeLanguageName()),
                        QString());
    for (const Language &l : availableLanguages())
        m_language->addItem(l.nativeName, l.code);
    m_initial = QSettings().value("ui/language").toString();
    m_language->setCurrentIndex(std::max(0, m_language->findData(m_initial)));

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
    setChosenLanguage(languageCode());
    return languageCode() != m_initial;
}

} // namespace latent::studio
