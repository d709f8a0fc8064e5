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
    // Stores the choice when another entry than the one shown at opening (or
    // at the last apply) is picked; true when the language in use changes.
    bool apply();

private:
    QComboBox *m_language;
    int m_openedAt = 0; // the entry shown at opening
};

} // namespace latent::studio
