// SPDX-License-Identifier: MIT
#pragma once

#include "coalescingworker.h"
#include "generators/generator.h"
#include "views/viewrecipe.h"
#include "views/views.h"

#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace latent::widgets {
class ImageGridWidget;
}

namespace latent::studio {

// The view-recipe composer: every recipe field as a control, a live preview
// grid (anchors as rows, the anchor then its views as columns) and view
// diagnostics, recomputed on a coalescing worker after each edit.
class ComposerPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ComposerPanel(QWidget *parent = nullptr);
    ~ComposerPanel() override;

    void setGenerator(std::shared_ptr<const Generator> generator, const std::string &sha256);
    // The direction sets steered walks can use (from the explorer).
    void setDirectionSets(const std::vector<DirectionSet> &sets);

    ViewRecipe recipe() const; // from the controls
    void showRecipe(const ViewRecipe &recipe);

    enum class OpenResult { Opened, GeneratorMismatch, Failed };
    // Reads a recipe and shows it (useRecipe): on the calling thread, so the
    // window reads on a worker and hands the recipe to useRecipe.
    OpenResult openRecipe(const QString &path, bool acceptMismatch, QString *error);
    // Shows a recipe read from `path` after checking it against the
    // generator: a generator SHA-256 that differs from the recipe's returns
    // GeneratorMismatch unless `acceptMismatch`. `error` gets the message.
    OpenResult useRecipe(const ViewRecipe &recipe, const QString &path, bool acceptMismatch,
                         QString *error);

    // "Apply to the Running Training": shown enabled while a run trains.
    void setTrainingActive(bool active);
    // What became of the last apply: applied (`ok`) or why it was refused.
    void showApplyResult(const QString &message, bool ok);

    widgets::ImageGridWidget *preview() const { return m_preview; }
    ViewDiagnostics diagnostics() const { return m_diagnostics; }

Q_SIGNALS:
    void previewShown();
    void directionSetsLoaded(const std::vector<DirectionSet> &sets);
    void applyToTrainingRequested(); // the recipe of the controls, for the run in progress

private:
    void requestPreview();
    void rebuildWalkTable(const std::vector<ViewRecipe::SteeredWalk> &active);
    QDoubleSpinBox *number(double lo, double hi, double step, int decimals = 2);

    std::shared_ptr<const Generator> m_generator;
    std::string m_sha256;
    std::vector<DirectionSet> m_sets;
    ViewDiagnostics m_diagnostics;
    bool m_updating = false; // showRecipe in progress: no preview per field

    QLineEdit *m_name;
    QSpinBox *m_seed;
    QDoubleSpinBox *m_truncation;
    QLineEdit *m_classes;
    QSpinBox *m_poolSize, *m_poolRefresh; // the anchor pool (slow samplers); size 0: off
    QSpinBox *m_perAnchor;
    QCheckBox *m_classPositives;
    QCheckBox *m_gaussian;
    QDoubleSpinBox *m_sigma;
    QCheckBox *m_preserveVariance; // Gaussian views keep the latent's variance
    QTableWidget *m_walks;
    QDoubleSpinBox *m_cropP, *m_scaleLo, *m_scaleHi, *m_ratioLo, *m_ratioHi, *m_flipP;
    QDoubleSpinBox *m_jitterP, *m_brightness, *m_contrast, *m_saturation, *m_hue, *m_grayP;
    QDoubleSpinBox *m_blurP, *m_blurLo, *m_blurHi;
    QGroupBox *m_samplerBox; // diffusion generators: the recipe's DDIM settings
    QSpinBox *m_samplerSteps;
    QDoubleSpinBox *m_samplerGuidance, *m_samplerEta, *m_renoise;
    QPushButton *m_applyToTraining;
    QLabel *m_applyResult;
    QSpinBox *m_anchors;
    QSpinBox *m_views;
    QComboBox *m_mode;
    QLabel *m_diagnosticsLabel;
    QLabel *m_rate; // the preview's images/s (diffusion sampler box)
    QLabel *m_error;
    widgets::ImageGridWidget *m_preview;
    std::unique_ptr<CoalescingWorker> m_worker; // last: joined first
};

} // namespace latent::studio
