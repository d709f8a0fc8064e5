// SPDX-License-Identifier: MIT
#pragma once

#include "data/datasetexport.h"
#include "generators/generator.h"
#include "views/viewrecipe.h"

#include <QDialog>
#include <QElapsedTimer>

#include <atomic>
#include <memory>
#include <thread>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace latent::studio {

// File > Export Dataset…: the Views tab's recipe written as a synthetic
// dataset (core/data/datasetexport.h) on a worker thread, with progress, ETA and
// Stop; Export on a stopped export's folder continues it.
class ExportDatasetDialog : public QDialog
{
    Q_OBJECT
public:
    ExportDatasetDialog(std::shared_ptr<const Generator> generator, ViewRecipe recipe,
                        QWidget *parent = nullptr);
    ~ExportDatasetDialog() override; // stops the export after its chunk in hand
    bool running() const { return m_thread.joinable(); }

public Q_SLOTS:
    void reject() override; // while running: stop, then close

Q_SIGNALS:
    // The export ended: complete, stopped (resumable) or failed (`error`).
    void exportEnded(bool complete, const QString &error);

private:
    void start();
    void showProgress(const ExportProgress &p);
    void ended(const ExportProgress &p, const QString &error);
    void setEditable(bool editable);

    std::shared_ptr<const Generator> m_generator;
    ViewRecipe m_recipe;
    QSpinBox *m_anchors, *m_views, *m_chunk, *m_seed;
    QComboBox *m_format;
    QLineEdit *m_folder;
    QPushButton *m_browse, *m_export, *m_stop, *m_close;
    QProgressBar *m_bar;
    QLabel *m_status;
    std::thread m_thread;
    std::atomic<bool> m_stopRequested{false};
    bool m_closeWhenEnded = false;
    QElapsedTimer m_clock;
    std::int64_t m_imagesAtStart = 0, m_imagesPerChunk = 0;
};

} // namespace latent::studio
