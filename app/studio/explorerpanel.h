// SPDX-License-Identifier: MIT
#pragma once

#include "coalescingworker.h"
#include "generators/generator.h"
#include "views/directions.h"

#include <QWidget>

#include <atomic>
#include <memory>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;
class QUndoStack;
class QVBoxLayout;

namespace latent::widgets {
class ImageGridWidget;
class LatentPadWidget;
} // namespace latent::widgets

namespace latent::studio {

// The latent explorer: find direction sets (SeFa, PCA, learned steering
// walks, random) on a worker thread with progress and cancel, then drag one
// slider per direction and watch the image follow. Renders go through a
// coalescing worker, so a dragged slider never queues stale work.
class ExplorerPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ExplorerPanel(QWidget *parent = nullptr);
    ~ExplorerPanel() override;

    void setGenerator(std::shared_ptr<const Generator> generator);
    const std::vector<DirectionSet> &directionSets() const { return m_sets; }
    // Adds a set, or replaces the one with the same name.
    void addDirectionSet(const DirectionSet &set);
    QUndoStack *undoStack() const { return m_undo; }

    // The latent shown: anchor + sum of alpha_i * w_i over the current set.
    std::vector<float> currentLatent() const;
    std::vector<float> alphas() const { return m_alphas; }
    void setAlphas(const std::vector<float> &alphas); // no undo entry
    void setAlpha(int index, float alpha);            // with an undo entry
    float alphaLimit(int index) const;
    widgets::ImageGridWidget *imageView() const { return m_image; }
    widgets::LatentPadWidget *latentPad() const { return m_pad; }

    void computeDirections(const QString &method);
    // Opens and closes the latent pad's tool window.
    void showLatentPad();
    void closeLatentPad();
    void cancelComputation();

Q_SIGNALS:
    void directionSetsChanged();
    void imageShown();
    void directionsComputed(const QString &name);
    void directionsFailed(const QString &message);

private:
    // Why SeFa cannot run on this generator (`noWeight`: no weight the latent
    // feeds), or empty.
    static QString sefaUnavailableReason(const GeneratorInfo &info, bool noWeight);
    void showSet(int index);
    void rebuildSliders();
    void requestRender();
    void requestStrips();
    std::vector<float> neighbourhoodLatents() const;
    // The seed's latent as the generator samples it: truncated at 2 for a
    // GAN, untruncated x_T for a diffusion model (what its denoiser expects).
    std::vector<float> anchorLatent() const;
    void copyLatent();
    void saveImage();
    void finishComputation();

    std::shared_ptr<const Generator> m_generator;
    std::vector<DirectionSet> m_sets;
    int m_current = -1;
    std::vector<float> m_anchor;
    std::vector<float> m_alphas;
    ImageBatch m_shown;

    QComboBox *m_setChoice;
    QComboBox *m_method;
    QSpinBox *m_count;
    QLineEdit *m_setName;
    QComboBox *m_sefaWeight;
    QSpinBox *m_samples;
    QSpinBox *m_steps;
    QSpinBox *m_walkSamplerSteps; // diffusion: the steps walks learn through
    QFormLayout *m_findForm;
    QListWidget *m_transforms;
    QPushButton *m_compute;
    QPushButton *m_cancel;
    QProgressBar *m_progress;
    QLabel *m_status;
    QSpinBox *m_seed;
    QComboBox *m_class;
    QVBoxLayout *m_sliderBox;
    std::vector<QSlider *> m_sliders;
    std::vector<QLabel *> m_sliderValues;
    widgets::ImageGridWidget *m_image;
    widgets::ImageGridWidget *m_strips;
    QComboBox *m_padX;
    QComboBox *m_padY;
    widgets::LatentPadWidget *m_pad;
    std::unique_ptr<QWidget> m_padWindow; // a top-level window; see the constructor
    widgets::ImageGridWidget *m_neighbourhood;
    QUndoStack *m_undo;
    std::shared_ptr<std::atomic<bool>> m_cancelFlag;
    // The strips wanted now: a strips job whose number is not this one stops
    // after the row in hand (another set, seed, class or generator).
    std::shared_ptr<std::atomic<int>> m_stripsWanted = std::make_shared<std::atomic<int>>(0);
    // Destroyed first: renders and computations end before the widgets go.
    // The strips have their own worker: a diffusion model's strips are dozens
    // of samplings, which a slider's render must not wait behind.
    std::unique_ptr<CoalescingWorker> m_computeWorker;
    std::unique_ptr<CoalescingWorker> m_renderWorker;
    std::unique_ptr<CoalescingWorker> m_stripWorker;
};

} // namespace latent::studio
