// SPDX-License-Identifier: MIT
#include "explorerpanel.h"

#include "imageconvert.h"
#include "imagegrid.h"
#include "imagegridwidget.h"
#include "latentpadwidget.h"
#include "widgethelpers.h"
#include "workerjob.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QWindow>

#include <opencv2/core.hpp>

#include <cmath>
#include <optional>

namespace latent::studio {
namespace {

constexpr int kSliderSteps = 100; // slider units per alpha limit
constexpr int kStripSteps = 7;
constexpr int kInstantSefaLatent = 1024; // found at load, on the UI thread, below this
// Sampler steps a diffusion walk learns through by default: one learning step
// on the shipped model costs about a quarter of one through its 20 steps.
constexpr int kWalkSamplerSteps = 4;

// One undoable change of the explorer's alphas. Consecutive changes of one
// slider merge, so a drag is one undo step.
class SetAlphasCommand : public QUndoCommand
{
public:
    // mergeId: -1 never merges; a slider uses its index, the pad kPadMergeId.
    SetAlphasCommand(ExplorerPanel *panel, std::vector<float> before, std::vector<float> after,
                     int mergeId)
        : m_panel(panel), m_before(std::move(before)), m_after(std::move(after)), m_mergeId(mergeId)
    {
        setText(mergeId < 0 ? QObject::tr("reset") : QObject::tr("move in latent space"));
    }
    void undo() override { m_panel->setAlphas(m_before); }
    void redo() override { m_panel->setAlphas(m_after); }
    int id() const override { return m_mergeId >= 0 ? 1000 + m_mergeId : -1; }
    bool mergeWith(const QUndoCommand *other) override
    {
        m_after = static_cast<const SetAlphasCommand *>(other)->m_after;
        return true;
    }

private:
    ExplorerPanel *m_panel;
    std::vector<float> m_before, m_after;
    int m_mergeId;
};

constexpr int kPadMergeId = 100000;

} // namespace

ExplorerPanel::ExplorerPanel(QWidget *parent)
    : QWidget(parent), m_undo(new QUndoStack(this)),
      m_computeWorker(std::make_unique<CoalescingWorker>()),
      m_renderWorker(std::make_unique<CoalescingWorker>()),
      m_stripWorker(std::make_unique<CoalescingWorker>())
{
    // Finding directions.
    m_method = new QComboBox;
    m_method->setObjectName("directionMethod");
    m_method->addItem(tr("SeFa (closed form)"), "sefa");
    m_method->addItem(tr("PCA (GANSpace)"), "pca");
    m_method->addItem(tr("Steering walks (learned)"), "steer");
    m_method->addItem(tr("Random orthonormal"), "random");
    m_count = new QSpinBox;
    m_count->setRange(1, 64);
    m_count->setValue(8);
    m_setName = new QLineEdit;
    m_setName->setObjectName("setName");
    m_setName->setPlaceholderText(tr("default: the method's name"));
    m_sefaWeight = new QComboBox;
    m_sefaWeight->setObjectName("sefaWeight");
    m_samples = new QSpinBox;
    m_samples->setRange(100, 200000);
    m_samples->setSingleStep(1000);
    m_samples->setValue(10000);
    m_steps = new QSpinBox;
    m_steps->setRange(10, 20000);
    m_steps->setValue(500);
    m_walkSamplerSteps = new QSpinBox;
    m_walkSamplerSteps->setObjectName("walkSamplerSteps");
    m_walkSamplerSteps->setRange(1, 100000);
    m_walkSamplerSteps->setToolTip(
        tr("DDIM steps of the sampler a walk is learned through: each step of learning runs the "
           "sampler forward and backward, so its time and memory grow with them. The walk then "
           "moves the images of any step count (with eta 0, x_T to image is one ODE)"));
    m_transforms = new QListWidget;
    m_transforms->setObjectName("transforms");
    for (auto t :
         {SteerTransform::Zoom, SteerTransform::ShiftX, SteerTransform::ShiftY,
          SteerTransform::Rotation, SteerTransform::Brightness, SteerTransform::Contrast}) {
        auto *item = new QListWidgetItem(QString::fromStdString(toString(t)), m_transforms);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(
            t == SteerTransform::Zoom || t == SteerTransform::ShiftX ? Qt::Checked : Qt::Unchecked);
    }
    m_transforms->setMaximumHeight(110);
    m_compute = new QPushButton(tr("&Find directions"));
    m_compute->setObjectName("computeDirections");
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setEnabled(false);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    setProgressValue(m_progress, 0);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    auto *findBox = sectionBox(tr("Find directions"));
    auto *findForm = m_findForm = new QFormLayout(findBox);
    findForm->addRow(tr("Method"), m_method);
    findForm->addRow(tr("Set name"), m_setName);
    findForm->addRow(tr("Directions"), m_count);
    findForm->addRow(tr("SeFa weight"), m_sefaWeight);
    findForm->addRow(tr("PCA samples"), m_samples);
    findForm->addRow(tr("Walk steps"), m_steps);
    findForm->addRow(tr("Walk sampler steps"), m_walkSamplerSteps);
    findForm->addRow(tr("Walks"), m_transforms);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_compute);
    buttons->addWidget(m_cancel);
    findForm->addRow(buttons);
    findForm->addRow(m_progress);
    findForm->addRow(m_status);
    const auto updateMethodControls = [this] {
        const bool steer = m_method->currentData() == "steer";
        m_transforms->setEnabled(steer);
        m_steps->setEnabled(steer);
        m_walkSamplerSteps->setEnabled(steer);
        m_count->setEnabled(!steer);
        m_sefaWeight->setEnabled(m_method->currentData() == "sefa");
        m_samples->setEnabled(m_method->currentData() == "pca");
    };
    connect(m_method, &QComboBox::currentIndexChanged, this, updateMethodControls);
    updateMethodControls();

    // The anchor and the sliders.
    m_setChoice = new QComboBox;
    m_setChoice->setObjectName("directionSet");
    m_seed = new QSpinBox;
    m_seed->setObjectName("anchorSeed");
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setValue(1);
    m_class = new QComboBox;
    auto *anchorForm = new QFormLayout;
    anchorForm->addRow(tr("Direction set"), m_setChoice);
    anchorForm->addRow(tr("Anchor seed"), m_seed);
    anchorForm->addRow(tr("Class"), m_class);
    auto *sliderHost = new QWidget;
    m_sliderBox = new QVBoxLayout(sliderHost);
    m_sliderBox->addStretch();
    auto *scroll = new QScrollArea;
    scroll->setWidget(sliderHost);
    scroll->setWidgetResizable(true);
    auto *undoButton = new QPushButton(tr("Undo"));
    auto *redoButton = new QPushButton(tr("Redo"));
    auto *resetButton = new QPushButton(tr("Reset"));
    resetButton->setObjectName("resetAlphas");
    auto *copyButton = new QPushButton(tr("Copy latent"));
    auto *saveButton = new QPushButton(tr("Save image…"));
    auto *padButton = new QPushButton(tr("Latent &pad"));
    padButton->setObjectName("showLatentPad");
    padButton->setToolTip(tr("Drag a point along two directions at once"));
    auto *editRow = new QHBoxLayout;
    for (auto *b : {undoButton, redoButton, resetButton, copyButton, saveButton, padButton})
        editRow->addWidget(b);

    auto *middle = new QWidget;
    auto *middleLayout = new QVBoxLayout(middle);
    middleLayout->addLayout(anchorForm);
    middleLayout->addWidget(scroll, 1);
    middleLayout->addLayout(editRow);

    m_image = new widgets::ImageGridWidget;
    m_image->setObjectName("explorerImage");
    m_padX = new QComboBox;
    m_padY = new QComboBox;
    m_pad = new widgets::LatentPadWidget;
    m_pad->setObjectName("latentPad");
    m_neighbourhood = new widgets::ImageGridWidget;
    m_neighbourhood->setObjectName("neighbourhood");
    m_neighbourhood->setToolTip(
        tr("The pad point (centre) and its neighbours a quarter of the range away"));
    auto *padAxes = new QFormLayout;
    padAxes->addRow(tr("Pad x"), m_padX);
    padAxes->addRow(tr("Pad y"), m_padY);
    auto *padColumn = new QVBoxLayout;
    padColumn->addLayout(padAxes);
    padColumn->addWidget(m_pad, 1);
    // The pad lives in its own small tool window with no parent widget: an
    // OpenGL widget anywhere under the main window makes every repaint of the
    // whole window go through OpenGL, which cost ~14 ms per slider change on
    // a software renderer (bench/bench_explorer: 16 ms median with the pad
    // window parented, 2.3 ms without).
    m_padWindow = std::make_unique<QWidget>(nullptr, Qt::Tool);
    m_padWindow->setObjectName("latentPadWindow");
    m_padWindow->setWindowTitle(tr("Latent pad"));
    auto *padLayout = new QHBoxLayout(m_padWindow.get());
    padLayout->addLayout(padColumn, 1);
    padLayout->addWidget(m_neighbourhood, 1);
    m_padWindow->resize(620, 380);
    m_strips = new widgets::ImageGridWidget;
    m_strips->setObjectName("directionStrips");
    m_strips->setPlaceholderText(
        tr("Find or pick a direction set to see each direction as a strip"));
    auto *right = new QSplitter(Qt::Vertical);
    right->addWidget(m_image);
    right->addWidget(m_strips);

    auto *left = new QWidget;
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->addWidget(findBox);
    leftLayout->addStretch();
    auto *splitter = new QSplitter;
    splitter->addWidget(left);
    splitter->addWidget(middle);
    splitter->addWidget(right);
    splitter->setStretchFactor(2, 1);
    splitter->setSizes({280, 360, 560});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(m_pad, &widgets::LatentPadWidget::positionChanged, this, [this](QPointF p) {
        const int ix = m_padX->currentIndex(), iy = m_padY->currentIndex();
        if (ix < 0 || iy < 0 || m_alphas.empty()) return;
        std::vector<float> after = m_alphas;
        after[ix] = float(p.x());
        if (iy != ix) after[iy] = float(p.y());
        if (after != m_alphas)
            m_undo->push(new SetAlphasCommand(this, m_alphas, after, kPadMergeId));
    });
    connect(m_pad, &widgets::LatentPadWidget::rangeChanged, this, &ExplorerPanel::requestRender);
    const auto axesChanged = [this] {
        if (m_current < 0 || m_padX->currentIndex() < 0 || m_padY->currentIndex() < 0) return;
        m_pad->setAxisLabels(m_padX->currentText(), m_padY->currentText());
        m_pad->setRange(alphaLimit(m_padX->currentIndex()));
        m_pad->setPosition({m_alphas[m_padX->currentIndex()], m_alphas[m_padY->currentIndex()]});
        requestRender();
    };
    connect(m_padX, &QComboBox::currentIndexChanged, this, axesChanged);
    connect(m_padY, &QComboBox::currentIndexChanged, this, axesChanged);
    connect(m_compute, &QPushButton::clicked, this,
            [this] { computeDirections(m_method->currentData().toString()); });
    connect(m_cancel, &QPushButton::clicked, this, &ExplorerPanel::cancelComputation);
    connect(m_setChoice, &QComboBox::currentIndexChanged, this, &ExplorerPanel::showSet);
    const auto newAnchor = [this] {
        if (!m_generator) return;
        m_anchor = anchorLatent();
        requestRender();
        requestStrips();
    };
    connect(m_seed, &QSpinBox::valueChanged, this, newAnchor);
    connect(m_class, &QComboBox::currentIndexChanged, this, [this] {
        requestRender();
        requestStrips();
    });
    connect(undoButton, &QPushButton::clicked, m_undo, &QUndoStack::undo);
    connect(redoButton, &QPushButton::clicked, m_undo, &QUndoStack::redo);
    connect(m_undo, &QUndoStack::canUndoChanged, undoButton, &QWidget::setEnabled);
    connect(m_undo, &QUndoStack::canRedoChanged, redoButton, &QWidget::setEnabled);
    undoButton->setEnabled(false);
    redoButton->setEnabled(false);
    connect(resetButton, &QPushButton::clicked, this, [this] {
        m_undo->push(
            new SetAlphasCommand(this, m_alphas, std::vector<float>(m_alphas.size(), 0.0f), -1));
    });
    connect(copyButton, &QPushButton::clicked, this, &ExplorerPanel::copyLatent);
    connect(padButton, &QPushButton::clicked, this, &ExplorerPanel::showLatentPad);
    connect(saveButton, &QPushButton::clicked, this, &ExplorerPanel::saveImage);
    setEnabled(false);
}

ExplorerPanel::~ExplorerPanel()
{
    cancelComputation();
    ++*m_stripsWanted; // the strips job ends after its row in hand
}

void ExplorerPanel::setGenerator(std::shared_ptr<const Generator> generator)
{
    cancelComputation();
    m_generator = std::move(generator);
    const GeneratorInfo &info = m_generator->info();
    {
        const QSignalBlocker block(m_class);
        m_class->clear();
        for (int i = 0; i < std::max(1, info.numClasses); ++i)
            m_class->addItem(info.isConditional() ? QString::fromStdString(info.className(i))
                                                  : tr("unconditional"),
                             i);
        m_class->setEnabled(info.isConditional());
    }
    // Walks on a diffusion model learn through a few sampler steps (the
    // default: 4, or the model's own when fewer).
    m_findForm->setRowVisible(m_walkSamplerSteps, info.isDiffusion());
    if (info.isDiffusion()) {
        m_walkSamplerSteps->setMaximum(info.diffusion.timesteps);
        m_walkSamplerSteps->setValue(
            std::min(kWalkSamplerSteps, m_generator->samplerSettings().steps));
    }
    const std::vector<std::string> sefaWeights = sefaCandidates(*m_generator);
    {
        const QSignalBlocker block(m_sefaWeight);
        m_sefaWeight->clear();
        m_sefaWeight->addItem(tr("automatic"), QString());
        for (const std::string &name : sefaWeights)
            m_sefaWeight->addItem(QString::fromStdString(name), QString::fromStdString(name));
    }
    // SeFa factorises a weight that the latent feeds: where there is none it
    // is offered disabled, with the reason, and PCA is chosen instead.
    const QString noSefa = sefaUnavailableReason(info, sefaWeights.empty());
    setItemEnabled(m_method, m_method->findData("sefa"), noSefa.isEmpty(), noSefa);
    if (!noSefa.isEmpty() && m_method->currentData() == "sefa")
        m_method->setCurrentIndex(m_method->findData("pca"));
    // Sets of another latent size no longer apply.
    m_sets.erase(
        std::remove_if(m_sets.begin(), m_sets.end(),
                       [&](const DirectionSet &s) { return s.latentSize != info.latentSize; }),
        m_sets.end());
    m_anchor = anchorLatent();
    m_undo->clear();
    setEnabled(true);
    // SeFa is closed form (milliseconds up to a latent of about a thousand;
    // only its one weight is copied): always redone for the new weights. Without a layer for it to
    // factorise (a diffusion model's x_T, a GAN whose latent enters no linear or transposed
    // convolution layer), or for a latent too large to factorise here on the UI thread, the tab
    // starts with random directions instead.
    if (sefaWeights.empty() || info.latentSize > kInstantSefaLatent)
        addDirectionSet(randomDirections(info.latentSize, std::min(8, info.latentSize), 1));
    else
        addDirectionSet(sefaDirections(*m_generator, std::min(8, info.latentSize)));
}

QString ExplorerPanel::sefaUnavailableReason(const GeneratorInfo &info, bool noWeight)
{
    if (info.isDiffusion())
        return tr("Not for a diffusion model: SeFa factorises the first linear layer that takes a "
                  "GAN's latent, and the starting noise x_T goes through no such layer");
    if (noWeight)
        return tr("This generator has no linear layer or transposed convolution that takes its "
                  "%1-dimensional latent, so there is nothing for SeFa to factorise")
            .arg(info.latentSize);
    if (info.latentSize > kMaxSefaLatent)
        return tr("The latent has %1 values; SeFa factorises a latent x latent matrix, at most %2 "
                  "x %2 here")
            .arg(info.latentSize)
            .arg(kMaxSefaLatent);
    return {};
}

void ExplorerPanel::addDirectionSet(const DirectionSet &set)
{
    auto it = std::find_if(m_sets.begin(), m_sets.end(),
                           [&](const DirectionSet &s) { return s.name == set.name; });
    const int index = it == m_sets.end() ? static_cast<int>(m_sets.size())
                                         : static_cast<int>(it - m_sets.begin());
    if (it == m_sets.end())
        m_sets.push_back(set);
    else
        *it = set;
    {
        const QSignalBlocker block(m_setChoice);
        m_setChoice->clear();
        for (const auto &s : m_sets)
            m_setChoice->addItem(
                QString("%1 (%2, %3)")
                    .arg(QString::fromStdString(s.name), QString::fromStdString(s.method))
                    .arg(s.size()));
        m_setChoice->setCurrentIndex(index);
    }
    showSet(index);
    Q_EMIT directionSetsChanged();
}

void ExplorerPanel::showSet(int index)
{
    if (index < 0 || index >= static_cast<int>(m_sets.size())) return;
    m_current = index;
    m_alphas.assign(m_sets[index].size(), 0.0f);
    m_undo->clear();
    rebuildSliders();
    {
        const QSignalBlocker bx(m_padX), by(m_padY);
        m_padX->clear();
        m_padY->clear();
        for (const auto &label : m_sets[index].labels) {
            m_padX->addItem(QString::fromStdString(label));
            m_padY->addItem(QString::fromStdString(label));
        }
        m_padY->setCurrentIndex(std::min(1, m_sets[index].size() - 1));
    }
    m_pad->setAxisLabels(m_padX->currentText(), m_padY->currentText());
    m_pad->setRange(alphaLimit(0));
    m_pad->setPosition({0, 0});
    requestRender();
    requestStrips();
}

float ExplorerPanel::alphaLimit(int index) const
{
    const DirectionSet &set = m_sets[m_current];
    if (set.method != "steer" || index >= set.size()) return 3.0f;
    const auto [lo, hi] = alphaRange(steerTransformFromString(set.labels[index]));
    return std::max(std::abs(lo), std::abs(hi));
}

void ExplorerPanel::rebuildSliders()
{
    for (QSlider *s : m_sliders)
        delete s->parentWidget();
    m_sliders.clear();
    m_sliderValues.clear();
    const DirectionSet &set = m_sets[m_current];
    for (int i = 0; i < set.size(); ++i) {
        auto *row = new QWidget;
        auto *rowLayout = new QHBoxLayout(row);
        rowLayout->setContentsMargins(0, 0, 0, 0);
        auto *name = new QLabel(QString::fromStdString(set.labels[i]));
        name->setToolTip(tr("score %1").arg(set.scores[i]));
        name->setMinimumWidth(70);
        auto *slider = new QSlider(Qt::Horizontal);
        slider->setObjectName(QString("direction%1").arg(i));
        slider->setRange(-kSliderSteps, kSliderSteps);
        auto *value = new QLabel("0.00");
        value->setMinimumWidth(fontMetrics().horizontalAdvance("-0.000"));
        rowLayout->addWidget(name);
        rowLayout->addWidget(slider, 1);
        rowLayout->addWidget(value);
        m_sliderBox->insertWidget(i, row);
        m_sliders.push_back(slider);
        m_sliderValues.push_back(value);
        connect(slider, &QSlider::valueChanged, this,
                [this, i](int v) { setAlpha(i, alphaLimit(i) * float(v) / kSliderSteps); });
    }
}

void ExplorerPanel::setAlpha(int index, float alpha)
{
    if (index < 0 || index >= static_cast<int>(m_alphas.size()) || m_alphas[index] == alpha) return;
    std::vector<float> after = m_alphas;
    after[index] = alpha;
    m_undo->push(new SetAlphasCommand(this, m_alphas, after, index));
}

void ExplorerPanel::setAlphas(const std::vector<float> &alphas)
{
    if (alphas.size() != m_alphas.size()) return;
    m_alphas = alphas;
    for (std::size_t i = 0; i < m_sliders.size(); ++i) {
        const QSignalBlocker block(m_sliders[i]);
        m_sliders[i]->setValue(
            static_cast<int>(std::lround(m_alphas[i] / alphaLimit(int(i)) * kSliderSteps)));
        m_sliderValues[i]->setText(QString::number(m_alphas[i], 'f', 2));
    }
    if (m_padX->currentIndex() >= 0 && m_padY->currentIndex() >= 0)
        m_pad->setPosition({m_alphas[m_padX->currentIndex()], m_alphas[m_padY->currentIndex()]});
    requestRender();
}

std::vector<float> ExplorerPanel::currentLatent() const
{
    std::vector<float> z = m_anchor;
    if (m_current >= 0)
        for (std::size_t i = 0; i < m_alphas.size(); ++i)
            if (m_alphas[i] != 0.0f) z = moveAlong(z, m_sets[m_current].vectors[i], m_alphas[i]);
    return z;
}

std::vector<float> ExplorerPanel::anchorLatent() const
{
    return m_generator->latentValues({1, static_cast<std::uint64_t>(m_seed->value()),
                                      m_generator->info().defaultTruncation(), -1});
}

std::vector<float> ExplorerPanel::neighbourhoodLatents() const
{
    // 3 x 3 latents around the current one, a quarter of the pad range apart
    // along the pad's two directions; y grows upwards as on the pad.
    std::vector<float> latents;
    if (m_current < 0 || m_padX->currentIndex() < 0 || m_padY->currentIndex() < 0 ||
        !m_padWindow->isVisible())
        return latents;
    const auto &set = m_sets[m_current];
    const auto &wx = set.vectors[m_padX->currentIndex()];
    const auto &wy = set.vectors[m_padY->currentIndex()];
    const float d = m_pad->range() / 4;
    const std::vector<float> centre = currentLatent();
    for (int row = 1; row >= -1; --row)
        for (int col = -1; col <= 1; ++col) {
            const auto z = moveAlong(moveAlong(centre, wx, col * d), wy, row * d);
            latents.insert(latents.end(), z.begin(), z.end());
        }
    return latents;
}

void ExplorerPanel::requestRender()
{
    if (!m_generator || m_anchor.empty()) return;
    auto gen = m_generator;
    // One batch: the current latent, then its 3 x 3 neighbourhood (if any).
    std::vector<float> latents = currentLatent();
    const std::vector<float> around = neighbourhoodLatents();
    latents.insert(latents.end(), around.begin(), around.end());
    const int cls = m_generator->info().isConditional() ? m_class->currentData().toInt() : -1;
    const auto count = static_cast<int>(latents.size() / m_anchor.size());
    runJob(
        *m_renderWorker, "render", this,
        [gen, latents, cls, count] { return gen->render(latents, std::vector<int>(count, cls)); },
        [this, gen](const ImageBatch &batch, const QString &error) {
            if (m_generator != gen) return; // a stale result
            if (!error.isEmpty()) { // out of memory, say: the image would just stop changing
                m_status->setText(tr("Could not draw the image: %1").arg(error));
                return;
            }
            m_shown = batch.slice(0, 1);
            m_image->setCells(cellsOf(m_shown), 1);
            if (batch.count == 10) m_neighbourhood->setCells(cellsOf(batch.slice(1, 9)), 3);
            Q_EMIT imageShown();
        });
}

void ExplorerPanel::requestStrips()
{
    if (!m_generator || m_current < 0) return;
    auto gen = m_generator;
    const DirectionSet set = m_sets[m_current];
    const auto seed = static_cast<std::uint64_t>(m_seed->value());
    const int cls = m_generator->info().isConditional() ? m_class->currentData().toInt() : -1;
    const int wanted = ++*m_stripsWanted;
    auto current = m_stripsWanted;
    QPointer<ExplorerPanel> self(this);
    // Shown row by row as they come.
    const auto show = [self, current, wanted, labels = set.labels](const ImageBatch &rows) {
        if (!self || *current != wanted) return;
        self->m_strips->setCells(
            cellsOf(rows, {},
                    [&](int i) { return QString::fromStdString(labels[i / kStripSteps]); }),
            kStripSteps);
    };
    runJob(
        *m_stripWorker, "strips", this,
        [gen, set, seed, cls, current, wanted, show] {
            directionStrips(*gen, set, kStripSteps, 3.0f, seed, cls, [&](const ImageBatch &rows) {
                QMetaObject::invokeMethod(
                    qApp, [show, rows] { show(rows); }, Qt::QueuedConnection);
                return *current == wanted;
            });
            return 0;
        },
        [this, current, wanted](int, const QString &error) {
            if (!error.isEmpty() && *current == wanted)
                m_status->setText(tr("Could not draw the direction strips: %1").arg(error));
        });
}

void ExplorerPanel::computeDirections(const QString &method)
{
    if (!m_generator) return;
    cancelComputation();
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    m_cancelFlag = cancel;
    m_compute->setEnabled(false);
    m_cancel->setEnabled(true);
    setProgressValue(m_progress, 0);
    m_status->setText(tr("Working…"));
    SteerOptions steer;
    for (int i = 0; i < m_transforms->count(); ++i)
        if (m_transforms->item(i)->checkState() == Qt::Checked)
            steer.transforms.push_back(
                steerTransformFromString(m_transforms->item(i)->text().toStdString()));
    steer.steps = m_steps->value();
    if (m_generator->info().isDiffusion()) steer.samplerSteps = m_walkSamplerSteps->value();
    steer.seed = static_cast<std::uint64_t>(m_seed->value());
    const int k = std::min(m_count->value(), m_generator->info().latentSize);
    const std::string weight = m_sefaWeight->currentData().toString().toStdString();
    const std::string name = m_setName->text().trimmed().toStdString();
    const int samples = m_samples->value();
    QPointer<ExplorerPanel> self(this);
    auto gen = m_generator;
    const std::string m = method.toStdString();
    // Cancelling is not an error: the job returns no set.
    using Found = std::optional<DirectionSet>;
    runJob(
        *m_computeWorker, "directions", this,
        [self, gen, m, k, steer, cancel, weight, name, samples]() -> Found {
            // Progress crosses to the UI thread at most ~20 times a second.
            auto last = std::chrono::steady_clock::now();
            const Progress progress = [&](float fraction, const std::string &status) {
                const auto now = std::chrono::steady_clock::now();
                if (now - last > std::chrono::milliseconds(50) || fraction >= 1.0f) {
                    last = now;
                    QMetaObject::invokeMethod(
                        qApp,
                        [self, fraction, status] {
                            if (!self) return;
                            setProgressValue(self->m_progress, static_cast<int>(fraction * 1000));
                            self->m_status->setText(QString::fromStdString(status));
                        },
                        Qt::QueuedConnection);
                }
                return !*cancel;
            };
            DirectionSet set;
            try {
                if (m == "sefa")
                    set = sefaDirections(*gen, k, weight);
                else if (m == "pca")
                    set = pcaDirections(*gen, k, samples, steer.seed, progress);
                else if (m == "random")
                    set = randomDirections(gen->info().latentSize, k, steer.seed);
                else
                    set = learnSteeringWalks(*gen, steer, progress);
            } catch (const Cancelled &) {
                return std::nullopt;
            }
            if (!name.empty()) set.name = name;
            return set;
        },
        [this, gen](const Found &set, const QString &failure) {
            finishComputation();
            // Directions found for a generator since replaced were cancelled
            // by the load (or finished first): they no longer apply.
            const QString error = !failure.isEmpty()           ? failure
                                  : !set || m_generator != gen ? tr("Cancelled")
                                                               : QString();
            if (!error.isEmpty()) {
                m_status->setText(error);
                Q_EMIT directionsFailed(error);
                return;
            }
            setProgressValue(m_progress, 1000);
            m_status->setText(tr("Found %1 %2 directions")
                                  .arg(set->size())
                                  .arg(QString::fromStdString(set->method)));
            addDirectionSet(*set);
            Q_EMIT directionsComputed(QString::fromStdString(set->name));
        });
}

void ExplorerPanel::finishComputation()
{
    m_compute->setEnabled(true);
    m_cancel->setEnabled(false);
}

void ExplorerPanel::cancelComputation()
{
    if (m_cancelFlag) *m_cancelFlag = true;
}

void ExplorerPanel::showLatentPad()
{
    m_padWindow->show();
    // Stacked above the studio window by the window manager, without being
    // its child widget.
    if (window()->windowHandle() && m_padWindow->windowHandle())
        m_padWindow->windowHandle()->setTransientParent(window()->windowHandle());
    m_padWindow->raise();
    requestRender();
}

void ExplorerPanel::closeLatentPad()
{
    m_padWindow->close();
}

void ExplorerPanel::copyLatent()
{
    QStringList values;
    for (float v : currentLatent())
        values << QString::number(v, 'g', 7);
    QApplication::clipboard()->setText("[" + values.join(", ") + "]");
}

void ExplorerPanel::saveImage()
{
    if (m_shown.count == 0) return;
    QString path = QFileDialog::getSaveFileName(
        this, tr("Save Image"), QDir::home().filePath("latent.png"), tr("PNG images (*.png)"));
    if (path.isEmpty()) return;
    if (!path.endsWith(".png", Qt::CaseInsensitive)) path += ".png";
    const ImageBatch batch = m_shown;
    runJob(
        *m_renderWorker, "save:" + path.toStdString(), this,
        [batch, path] {
            savePng(makeGrid(batch, 1, 0), path.toStdString());
            return true;
        },
        [this](bool, const QString &error) {
            if (!error.isEmpty()) QMessageBox::warning(this, tr("Could not save the image"), error);
        });
}

} // namespace latent::studio
