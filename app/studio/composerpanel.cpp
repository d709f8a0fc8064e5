// SPDX-License-Identifier: MIT
#include "composerpanel.h"

#include "error.h"
#include "imageconvert.h"
#include "imagegridwidget.h"
#include "widgethelpers.h"
#include "workerjob.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>
#include <filesystem>

namespace latent::studio {
namespace {

enum WalkColumn { kUse, kDirection, kAlphaMin, kAlphaMax, kDistribution, kColumns };

QWidget *pair(QWidget *a, QWidget *b)
{
    auto *w = new QWidget;
    auto *l = new QHBoxLayout(w);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(a);
    l->addWidget(new QLabel("–"));
    l->addWidget(b);
    return w;
}

} // namespace

QDoubleSpinBox *ComposerPanel::number(double lo, double hi, double step, int decimals)
{
    auto *box = new QDoubleSpinBox;
    box->setRange(lo, hi);
    box->setSingleStep(step);
    box->setDecimals(decimals);
    box->setKeyboardTracking(false);
    connect(box, &QDoubleSpinBox::valueChanged, this, &ComposerPanel::requestPreview);
    return box;
}

ComposerPanel::ComposerPanel(QWidget *parent)
    : QWidget(parent), m_worker(std::make_unique<CoalescingWorker>())
{
    m_name = new QLineEdit;
    m_name->setObjectName("recipeName");
    m_seed = new QSpinBox;
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_truncation = number(0, 10, 0.1);
    m_classes = new QLineEdit;
    m_classes->setObjectName("anchorClasses");
    m_classes->setPlaceholderText(tr("uniform, or e.g. 0, 3, 7"));
    m_classes->setValidator(new QRegularExpressionValidator(
        QRegularExpression(R"(^\s*(uniform|\d+(\s*,\s*\d+)*)?\s*$)"), this));
    m_perAnchor = new QSpinBox;
    m_perAnchor->setRange(1, 64);
    m_classPositives = new QCheckBox(tr("Same-class images are positives (SupCon)"));
    m_classPositives->setObjectName("classPositives");
    m_gaussian = new QCheckBox(tr("Gaussian neighbours"));
    m_gaussian->setObjectName("gaussianViews");
    m_sigma = number(0, 10, 0.05);
    m_sigma->setObjectName("sigma");
    m_preserveVariance = new QCheckBox(tr("Keep the latent's variance"));
    m_preserveVariance->setObjectName("preserveVariance");
    m_preserveVariance->setToolTip(
        tr("z' = sqrt(1 - sigma²) z + sigma n instead of z + sigma n (sigma at most 1): the "
           "view's latent keeps the anchors' distribution, as a diffusion model's starting "
           "noise must"));
    m_walks = new QTableWidget(0, kColumns);
    m_walks->setObjectName("steeredWalks");
    m_walks->setHorizontalHeaderLabels(
        {tr("Use"), tr("Direction"), tr("α min"), tr("α max"), tr("α distribution")});
    m_walks->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_walks->horizontalHeader()->setSectionResizeMode(kDirection, QHeaderView::Stretch);
    m_walks->verticalHeader()->hide();
    m_walks->setMinimumHeight(140);

    m_cropP = number(0, 1, 0.05);
    m_scaleLo = number(0.01, 1, 0.05);
    m_scaleHi = number(0.01, 1, 0.05);
    m_ratioLo = number(0.1, 10, 0.05);
    m_ratioHi = number(0.1, 10, 0.05);
    m_flipP = number(0, 1, 0.05);
    m_jitterP = number(0, 1, 0.05);
    m_brightness = number(0, 1, 0.05);
    m_contrast = number(0, 1, 0.05);
    m_saturation = number(0, 1, 0.05);
    m_hue = number(0, 0.5, 0.01);
    m_grayP = number(0, 1, 0.05);
    m_blurP = number(0, 1, 0.05);
    m_blurLo = number(0.01, 10, 0.1);
    m_blurHi = number(0.01, 10, 0.1);

    m_samplerSteps = new QSpinBox;
    m_samplerSteps->setObjectName("recipeSamplerSteps");
    m_samplerSteps->setRange(1, 100000);
    m_samplerSteps->setKeyboardTracking(false);
    m_samplerGuidance = number(0, 100, 0.5); // as recipes allow
    m_samplerGuidance->setObjectName("recipeSamplerGuidance");
    m_samplerEta = number(0, 1, 0.1);
    m_samplerEta->setObjectName("recipeSamplerEta");
    m_renoise = number(0, 1, 0.05);
    m_renoise->setObjectName("renoiseStrength");
    m_renoise->setToolTip(tr("Re-noise and denoise each view (SDEdit): its image is noised to "
                             "this level and denoised again with a noise of its own; 0: off"));
    m_poolSize = new QSpinBox;
    m_poolSize->setObjectName("anchorPoolSize");
    m_poolSize->setRange(0, 1 << 24);
    m_poolSize->setSingleStep(1024);
    m_poolSize->setSpecialValueText(tr("off"));
    m_poolSize->setToolTip(tr("Training draws its anchors from a pool of this many, each "
                              "rendered once while it stays in the pool, instead of fresh "
                              "anchors every step: for slow samplers (diffusion) with pixel-only "
                              "or re-noised views. Gaussian and steered views are sampled from "
                              "latents of their own, so with them the pool saves nothing; off: "
                              "fresh anchors"));
    m_poolRefresh = new QSpinBox;
    m_poolRefresh->setObjectName("anchorPoolRefresh");
    m_poolRefresh->setRange(0, 1 << 24);
    m_poolRefresh->setToolTip(tr("New anchors that replace the oldest of the pool at every "
                                 "training step; 0: a fixed pool"));
    m_samplerBox = sectionBox(tr("Diffusion sampler"));
    m_samplerBox->setToolTip(tr("How the diffusion generator turns each latent (its starting "
                                "noise) into an image; saved in the recipe, so training and "
                                "exports sample the same way"));
    auto *samplerForm = new QFormLayout(m_samplerBox);
    samplerForm->addRow(tr("DDIM steps"), m_samplerSteps);
    samplerForm->addRow(tr("Guidance"), m_samplerGuidance);
    samplerForm->addRow(tr("Eta"), m_samplerEta);
    samplerForm->addRow(tr("Re-noise views"), m_renoise);
    m_rate = new QLabel;
    m_rate->setObjectName("previewRate");
    m_rate->setToolTip(tr("How fast the preview was made at these settings: what the sampler "
                          "costs per image (training samples each view the same way)"));
    samplerForm->addRow(m_rate);
    m_samplerBox->setVisible(false);

    auto *anchorsBox = sectionBox(tr("Anchors"));
    auto *anchorsForm = new QFormLayout(anchorsBox);
    anchorsForm->addRow(tr("Name"), m_name);
    anchorsForm->addRow(tr("Seed"), m_seed);
    anchorsForm->addRow(tr("Truncation"), m_truncation);
    anchorsForm->addRow(tr("Classes"), m_classes);
    anchorsForm->addRow(tr("Training pool"), m_poolSize);
    anchorsForm->addRow(tr("  new per step"), m_poolRefresh);
    auto *latentBox = sectionBox(tr("Latent views"));
    auto *latentForm = new QFormLayout(latentBox);
    latentForm->addRow(tr("Views per anchor"), m_perAnchor);
    latentForm->addRow(m_classPositives);
    latentForm->addRow(m_gaussian, m_sigma);
    latentForm->addRow(m_preserveVariance);
    latentForm->addRow(new QLabel(tr("Steered walks")));
    latentForm->addRow(m_walks);
    auto *pixelBox = sectionBox(tr("Pixel augmentations"));
    auto *pixelForm = new QFormLayout(pixelBox);
    pixelForm->addRow(tr("Resized crop p"), m_cropP);
    pixelForm->addRow(tr("  area scale"), pair(m_scaleLo, m_scaleHi));
    pixelForm->addRow(tr("  aspect ratio"), pair(m_ratioLo, m_ratioHi));
    pixelForm->addRow(tr("Horizontal flip p"), m_flipP);
    pixelForm->addRow(tr("Colour jitter p"), m_jitterP);
    pixelForm->addRow(tr("  brightness"), m_brightness);
    pixelForm->addRow(tr("  contrast"), m_contrast);
    pixelForm->addRow(tr("  saturation"), m_saturation);
    pixelForm->addRow(tr("  hue"), m_hue);
    pixelForm->addRow(tr("Grayscale p"), m_grayP);
    pixelForm->addRow(tr("Gaussian blur p"), m_blurP);
    pixelForm->addRow(tr("  sigma"), pair(m_blurLo, m_blurHi));

    auto *form = new QWidget;
    auto *formLayout = new QVBoxLayout(form);
    formLayout->addWidget(anchorsBox);
    formLayout->addWidget(m_samplerBox);
    formLayout->addWidget(latentBox);
    formLayout->addWidget(pixelBox);
    formLayout->addStretch();
    auto *scroll = new QScrollArea;
    scroll->setWidget(form);
    scroll->setWidgetResizable(true);
    scroll->setMinimumWidth(470);

    m_anchors = new QSpinBox;
    m_anchors->setRange(1, 16);
    m_anchors->setValue(6);
    m_anchors->setPrefix(tr("anchors "));
    m_anchors->setObjectName("previewAnchors");
    m_views = new QSpinBox;
    m_views->setRange(1, 12);
    m_views->setValue(6);
    m_views->setPrefix(tr("views "));
    m_mode = new QComboBox;
    m_mode->setObjectName("previewMode");
    m_mode->addItem(tr("Latent + pixel"), int(ViewMode::Both));
    m_mode->addItem(tr("Latent only"), int(ViewMode::LatentOnly));
    m_mode->addItem(tr("Pixel only"), int(ViewMode::PixelOnly));
    auto *resample = new QPushButton(tr("Resample"));
    resample->setObjectName("resampleViews");
    m_applyToTraining = new QPushButton(tr("Apply to the Running Training"));
    m_applyToTraining->setObjectName("applyToTraining");
    m_applyToTraining->setToolTip(tr("The run in the Train tab trains on this recipe from its "
                                     "next step; the change is recorded in its run folder and "
                                     "marked on its curves."));
    m_applyToTraining->setEnabled(false);
    m_applyResult = new QLabel;
    m_applyResult->setObjectName("applyResult");
    m_applyResult->setWordWrap(true);
    auto *controls = new QHBoxLayout;
    for (QWidget *w : std::initializer_list<QWidget *>{m_anchors, m_views, m_mode, resample})
        controls->addWidget(w);
    controls->addStretch();
    controls->addWidget(m_applyToTraining);
    m_preview = new widgets::ImageGridWidget;
    m_preview->setObjectName("viewPreview");
    m_diagnosticsLabel = new QLabel;
    m_diagnosticsLabel->setObjectName("viewDiagnostics");
    m_diagnosticsLabel->setWordWrap(true);
    m_error = new QLabel;
    m_error->setStyleSheet("color: #b00020");
    m_error->setWordWrap(true);
    auto *right = new QWidget;
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->addLayout(controls);
    rightLayout->addWidget(m_applyResult);
    rightLayout->addWidget(m_preview, 1);
    rightLayout->addWidget(m_diagnosticsLabel);
    rightLayout->addWidget(m_error);

    auto *splitter = new QSplitter;
    splitter->addWidget(scroll);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    for (QSpinBox *box : {m_seed, m_perAnchor, m_anchors, m_views, m_samplerSteps})
        connect(box, &QSpinBox::valueChanged, this, &ComposerPanel::requestPreview);
    connect(m_preserveVariance, &QCheckBox::toggled, this,
            [this](bool on) { m_sigma->setMaximum(on ? 1 : 10); });
    for (QCheckBox *box : {m_classPositives, m_gaussian, m_preserveVariance})
        connect(box, &QCheckBox::toggled, this, &ComposerPanel::requestPreview);
    connect(m_mode, &QComboBox::currentIndexChanged, this, &ComposerPanel::requestPreview);
    connect(m_classes, &QLineEdit::editingFinished, this, &ComposerPanel::requestPreview);
    connect(m_name, &QLineEdit::editingFinished, this, &ComposerPanel::requestPreview);
    connect(resample, &QPushButton::clicked, this, [this] { m_seed->stepUp(); });
    connect(m_applyToTraining, &QPushButton::clicked, this,
            &ComposerPanel::applyToTrainingRequested);
    connect(m_walks, &QTableWidget::itemChanged, this, &ComposerPanel::requestPreview);

    showRecipe(ViewRecipe{});
    setEnabled(false);
}

ComposerPanel::~ComposerPanel() = default;

void ComposerPanel::setTrainingActive(bool active)
{
    m_applyToTraining->setEnabled(active);
    if (!active) m_applyResult->clear();
}

void ComposerPanel::showApplyResult(const QString &message, bool ok)
{
    m_applyResult->setStyleSheet(ok ? QString() : QStringLiteral("color: #b00020"));
    m_applyResult->setText(message);
}

void ComposerPanel::setGenerator(std::shared_ptr<const Generator> generator,
                                 const std::string &sha256)
{
    m_generator = std::move(generator);
    m_sha256 = sha256;
    // Sets of another latent size cannot steer this generator (the explorer
    // drops them too, and sends what it keeps).
    const int latent = m_generator->info().latentSize;
    const auto active = recipe().views.steered;
    m_sets.erase(std::remove_if(m_sets.begin(), m_sets.end(),
                                [&](const DirectionSet &s) { return s.latentSize != latent; }),
                 m_sets.end());
    rebuildWalkTable(active);
    {
        const GeneratorInfo &info = m_generator->info();
        const SamplerSettings s = m_generator->samplerSettings();
        const QSignalBlocker a(m_samplerSteps), b(m_samplerGuidance), c(m_samplerEta);
        m_samplerSteps->setRange(1, std::max(1, info.diffusion.timesteps));
        m_samplerSteps->setValue(s.steps);
        m_samplerGuidance->setValue(s.guidance);
        m_samplerGuidance->setEnabled(info.diffusion.nullClass >= 0);
        m_samplerEta->setValue(s.eta);
        m_samplerBox->setVisible(info.isDiffusion());
        // The latent settings that suit the generator's kind (x_T of a
        // diffusion model: untruncated, variance-preserving neighbours).
        const ViewRecipe defaults = defaultRecipeFor(info);
        const QSignalBlocker d(m_truncation), e(m_sigma), f(m_preserveVariance);
        m_truncation->setValue(defaults.anchors.truncation);
        m_preserveVariance->setChecked(defaults.views.preserveVariance);
        m_sigma->setMaximum(defaults.views.preserveVariance ? 1 : 10);
        m_sigma->setValue(defaults.views.sigma);
    }
    setEnabled(true);
    requestPreview();
}

void ComposerPanel::setDirectionSets(const std::vector<DirectionSet> &sets)
{
    const auto active = recipe().views.steered;
    m_sets = sets;
    rebuildWalkTable(active);
    requestPreview();
}

void ComposerPanel::rebuildWalkTable(const std::vector<ViewRecipe::SteeredWalk> &active)
{
    const QSignalBlocker block(m_walks);
    m_walks->setRowCount(0);
    for (const DirectionSet &set : m_sets) {
        for (int i = 0; i < set.size(); ++i) {
            const int row = m_walks->rowCount();
            m_walks->insertRow(row);
            auto it = std::find_if(active.begin(), active.end(), [&](const auto &w) {
                return w.set == set.name && w.direction == set.labels[i];
            });
            float lo = -1.0f, hi = 1.0f;
            if (set.method == "steer")
                std::tie(lo, hi) = alphaRange(steerTransformFromString(set.labels[i]));
            if (it != active.end()) lo = it->alphaMin, hi = it->alphaMax;
            auto *use = new QTableWidgetItem;
            use->setFlags(Qt::ItemIsUserCheckable | Qt::ItemIsEnabled);
            use->setCheckState(it != active.end() ? Qt::Checked : Qt::Unchecked);
            m_walks->setItem(row, kUse, use);
            auto *name =
                new QTableWidgetItem(QString::fromStdString(set.name + " / " + set.labels[i]));
            name->setFlags(Qt::ItemIsEnabled);
            name->setData(Qt::UserRole, QString::fromStdString(set.name));
            name->setData(Qt::UserRole + 1, QString::fromStdString(set.labels[i]));
            m_walks->setItem(row, kDirection, name);
            auto *min = number(-100, 100, 0.1), *max = number(-100, 100, 0.1);
            min->setValue(lo);
            max->setValue(hi);
            m_walks->setCellWidget(row, kAlphaMin, min);
            m_walks->setCellWidget(row, kAlphaMax, max);
            auto *dist = new QComboBox;
            dist->addItems({"uniform", "normal"});
            dist->setCurrentIndex(it != active.end() && it->normal ? 1 : 0);
            connect(dist, &QComboBox::currentIndexChanged, this, &ComposerPanel::requestPreview);
            m_walks->setCellWidget(row, kDistribution, dist);
        }
    }
}

ViewRecipe ComposerPanel::recipe() const
{
    ViewRecipe r;
    r.name =
        m_name->text().trimmed().isEmpty() ? "untitled" : m_name->text().trimmed().toStdString();
    if (m_generator)
        r.generator = {std::filesystem::path(m_generator->path()).filename().string(), m_sha256};
    r.seed = static_cast<std::uint64_t>(m_seed->value());
    if (m_generator && m_generator->info().isDiffusion()) {
        r.hasSampler = true;
        r.sampler = {m_samplerSteps->value(), static_cast<float>(m_samplerGuidance->value()),
                     static_cast<float>(m_samplerEta->value())};
        r.views.renoise = static_cast<float>(m_renoise->value());
    }
    r.anchors.truncation = static_cast<float>(m_truncation->value());
    r.anchors.poolSize = m_poolSize->value();
    r.anchors.poolRefresh =
        r.anchors.poolSize > 0 ? std::min(m_poolRefresh->value(), r.anchors.poolSize) : 0;
    const QString classes = m_classes->text().trimmed();
    if (!classes.isEmpty() && classes != "uniform")
        for (const QString &c : classes.split(',', Qt::SkipEmptyParts))
            r.anchors.classes.push_back(c.trimmed().toInt());
    r.views.perAnchor = m_perAnchor->value();
    r.views.classPositives = m_classPositives->isChecked();
    r.views.gaussian = m_gaussian->isChecked();
    r.views.sigma = static_cast<float>(m_sigma->value());
    r.views.preserveVariance = m_preserveVariance->isChecked();
    for (int row = 0; row < m_walks->rowCount(); ++row) {
        if (m_walks->item(row, kUse)->checkState() != Qt::Checked) continue;
        const auto *name = m_walks->item(row, kDirection);
        const auto lo = static_cast<QDoubleSpinBox *>(m_walks->cellWidget(row, kAlphaMin))->value();
        const auto hi = static_cast<QDoubleSpinBox *>(m_walks->cellWidget(row, kAlphaMax))->value();
        r.views.steered.push_back(
            {name->data(Qt::UserRole).toString().toStdString(),
             name->data(Qt::UserRole + 1).toString().toStdString(),
             static_cast<float>(std::min(lo, hi)), static_cast<float>(std::max(lo, hi)),
             static_cast<QComboBox *>(m_walks->cellWidget(row, kDistribution))->currentIndex() ==
                 1});
    }
    auto &p = r.pixel;
    const auto f = [](QDoubleSpinBox *b) { return static_cast<float>(b->value()); };
    const auto ordered = [&](QDoubleSpinBox *a, QDoubleSpinBox *b) {
        return std::make_pair(std::min(f(a), f(b)), std::max(f(a), f(b)));
    };
    p.cropP = f(m_cropP);
    p.cropScale = ordered(m_scaleLo, m_scaleHi);
    p.cropRatio = ordered(m_ratioLo, m_ratioHi);
    p.flipP = f(m_flipP);
    p.jitterP = f(m_jitterP);
    p.brightness = f(m_brightness);
    p.contrast = f(m_contrast);
    p.saturation = f(m_saturation);
    p.hue = f(m_hue);
    p.grayscaleP = f(m_grayP);
    p.blurP = f(m_blurP);
    p.blurSigma = ordered(m_blurLo, m_blurHi);
    r.directionSets = m_sets;
    return r;
}

void ComposerPanel::showRecipe(const ViewRecipe &r)
{
    m_updating = true;
    m_name->setText(QString::fromStdString(r.name));
    m_seed->setValue(
        static_cast<int>(std::min<std::uint64_t>(r.seed, std::numeric_limits<int>::max())));
    m_truncation->setValue(r.anchors.truncation);
    m_renoise->setValue(r.views.renoise);
    m_poolSize->setValue(r.anchors.poolSize);
    m_poolRefresh->setValue(r.anchors.poolRefresh);
    if (r.hasSampler) {
        // What this model cannot do is said, not kept: a guidance the
        // disabled box could not change back failed every preview.
        QStringList adjusted;
        const bool diffusion = m_generator && m_generator->info().isDiffusion();
        if (diffusion && r.sampler.steps > m_samplerSteps->maximum())
            adjusted << tr("%1 steps → %2, the model's timesteps")
                            .arg(r.sampler.steps)
                            .arg(m_samplerSteps->maximum());
        const bool guided = !diffusion || m_generator->info().diffusion.nullClass >= 0;
        if (!guided && r.sampler.guidance != 1.0f)
            adjusted << tr("guidance %1 → 1, the model has no null class").arg(r.sampler.guidance);
        m_samplerSteps->setValue(r.sampler.steps);
        m_samplerGuidance->setValue(guided ? r.sampler.guidance : 1.0);
        m_samplerEta->setValue(r.sampler.eta);
        if (!adjusted.isEmpty())
            showApplyResult(tr("The recipe's sampler was adjusted to this model: %1.")
                                .arg(adjusted.join(tr("; "))),
                            false);
    }
    QStringList classes;
    for (int c : r.anchors.classes)
        classes << QString::number(c);
    m_classes->setText(classes.isEmpty() ? "uniform" : classes.join(", "));
    m_perAnchor->setValue(r.views.perAnchor);
    m_classPositives->setChecked(r.views.classPositives);
    m_gaussian->setChecked(r.views.gaussian);
    m_preserveVariance->setChecked(r.views.preserveVariance);
    m_sigma->setValue(r.views.sigma);
    const auto &p = r.pixel;
    m_cropP->setValue(p.cropP);
    m_scaleLo->setValue(p.cropScale.first);
    m_scaleHi->setValue(p.cropScale.second);
    m_ratioLo->setValue(p.cropRatio.first);
    m_ratioHi->setValue(p.cropRatio.second);
    m_flipP->setValue(p.flipP);
    m_jitterP->setValue(p.jitterP);
    m_brightness->setValue(p.brightness);
    m_contrast->setValue(p.contrast);
    m_saturation->setValue(p.saturation);
    m_hue->setValue(p.hue);
    m_grayP->setValue(p.grayscaleP);
    m_blurP->setValue(p.blurP);
    m_blurLo->setValue(p.blurSigma.first);
    m_blurHi->setValue(p.blurSigma.second);
    // The recipe's sets join the ones already known (same name: the recipe's).
    for (const DirectionSet &s : r.directionSets) {
        auto it = std::find_if(m_sets.begin(), m_sets.end(),
                               [&](const DirectionSet &o) { return o.name == s.name; });
        if (it == m_sets.end())
            m_sets.push_back(s);
        else
            *it = s;
    }
    rebuildWalkTable(r.views.steered);
    m_updating = false;
    requestPreview();
}

ComposerPanel::OpenResult ComposerPanel::openRecipe(const QString &path, bool acceptMismatch,
                                                    QString *error)
{
    try {
        return useRecipe(readRecipe(path.toStdString()), path, acceptMismatch, error);
    } catch (const std::exception &e) {
        *error = QString::fromStdString(e.what());
        return OpenResult::Failed;
    }
}

ComposerPanel::OpenResult ComposerPanel::useRecipe(const ViewRecipe &r, const QString &path,
                                                   bool acceptMismatch, QString *error)
{
    try {
        if (m_generator)
            r.checkAgainst(m_generator->info().latentSize, m_generator->info().numClasses,
                           "recipe " + path.toStdString());
        if (!acceptMismatch && m_generator && r.generator.sha256 != m_sha256) {
            *error = tr("Recipe %1 was made with %2 (SHA-256 %3), but the loaded generator %4 has "
                        "SHA-256 %5. "
                        "Views may differ from the ones the recipe was made with.")
                         .arg(path, QString::fromStdString(r.generator.file),
                              QString::fromStdString(r.generator.sha256.substr(0, 12)),
                              QString::fromStdString(m_generator->path()),
                              QString::fromStdString(m_sha256.substr(0, 12)));
            return OpenResult::GeneratorMismatch;
        }
        showRecipe(r);
        Q_EMIT directionSetsLoaded(r.directionSets);
        return OpenResult::Opened;
    } catch (const std::exception &e) {
        *error = QString::fromStdString(e.what());
        return OpenResult::Failed;
    }
}

void ComposerPanel::requestPreview()
{
    if (!m_generator || m_updating) return;
    const ViewRecipe r = recipe();
    const int anchors = m_anchors->value(), views = m_views->value();
    const auto mode = static_cast<ViewMode>(m_mode->currentData().toInt());
    auto gen = m_generator;
    m_preview->setPlaceholderText(
        tr("Rendering %1 anchors and %2 views of each…").arg(anchors).arg(views));
    runJob(
        *m_worker, "preview", this,
        [gen, r, anchors, views, mode] {
            return renderViewPreview(*gen, r, anchors, views, r.seed, mode);
        },
        [this, gen, anchors, views](const ViewPreview &preview, const QString &error) {
            if (m_generator != gen) return;
            m_error->setText(error);
            if (!error.isEmpty()) return;
            // With class positives, each anchor is captioned with its class:
            // rows of one class are positives of each other.
            const int columns = preview.columns;
            const auto caption = [&](int i) {
                return preview.classPairs && i % columns == 0
                           ? QString::fromStdString(
                                 gen->info().className(preview.images.classes[std::size_t(i)]))
                           : QString();
            };
            m_preview->setCells(cellsOf(preview.images, caption), columns);
            m_diagnostics = preview.diagnostics;
            m_rate->setText(tr("Preview: %1 images sampled in %2 s: %3 images/s")
                                .arg(preview.sampled)
                                .arg(preview.seconds, 0, 'f', 2)
                                .arg(preview.sampled / std::max(preview.seconds, 1e-6), 0, 'f', 1));
            const auto &d = preview.diagnostics;
            if (anchors < 2 || views < 2) { // no pair of views, or no other anchor, to compare
                m_diagnosticsLabel->setText(
                    tr("Diagnostics compare views of one anchor and views of others: show at "
                       "least 2 anchors and 2 views."));
                Q_EMIT previewShown();
                return;
            }
            QStringList notes; // a warning, then the same-class positives
            if (d.pixelDistancePositives < 0.25 * d.pixelDistanceNegatives)
                notes << tr("Positives are nearly copies: views may be too easy.");
            else if (d.cosinePositives < d.cosineNegatives + 0.1)
                notes << tr("Positives look as different as negatives: views may break identity.");
            if (!std::isnan(d.cosineClassPositives))
                notes << tr("Same-class positives (rows 1-2, 3-4, … share a class; negatives are "
                            "other classes): pixel RMS %1, cosine %2.")
                             .arg(d.pixelDistanceClassPositives, 0, 'f', 3)
                             .arg(d.cosineClassPositives, 0, 'f', 3);
            m_diagnosticsLabel->setText(
                tr("Positives: pixel RMS %1, cosine %2 · Negatives: pixel RMS %3, cosine %4 "
                   "(first column: anchors; cosine under a fixed random encoder). %5")
                    .arg(d.pixelDistancePositives, 0, 'f', 3)
                    .arg(d.cosinePositives, 0, 'f', 3)
                    .arg(d.pixelDistanceNegatives, 0, 'f', 3)
                    .arg(d.cosineNegatives, 0, 'f', 3)
                    .arg(notes.join(' ')));
            Q_EMIT previewShown();
        });
}

} // namespace latent::studio
