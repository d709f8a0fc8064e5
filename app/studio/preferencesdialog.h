// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>

class QComboBox;

namespace latent::studio {

// Edit > Preferences: the interface language (applied at the next start:
// every panel builds its texts once).
class PreferencesDialog : public QDialog
{
    Q_OBJECT
public:
    explicit PreferencesDialog(QWidget *parent = nullptr);

    // The language code chosen in the dialog; empty for the system's.
    QString languageCode() const;
    // Stores the choice; true when it differs from the language in use.
    bool apply();

private:
    QComboBox *m_language;
    QString m_initial;
};

} // namespace latent::studio
