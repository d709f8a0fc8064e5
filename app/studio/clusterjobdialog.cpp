// SPDX-License-Identifier: MIT
#include "clusterjobdialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace latent::studio {
namespace {

QSpinBox *count(const char *name, int hi, int value)
{
    auto *s = new QSpinBox;
    s->setObjectName(name);
    s->setRange(1, hi);
    s->setValue(value);
    return s;
}

QLineEdit *line(const char *name, const QString &text)
{
    auto *e = new QLineEdit(text);
    e->setObjectName(name);
    return e;
}

} // namespace

ClusterJobDialog::ClusterJobDialog(const QString &runName, QWidget *parent)
    : QDialog(parent), m_folder(line("jobFolder", QDir::home().filePath("jobs/" + runName))),
      m_runDir(line("jobRunDir", QDir::home().filePath("runs/" + runName))),
      m_partition(line("jobPartition", "")),
      m_time(line("jobTime", QString::fromStdString(ClusterJob().time))),
      m_cli(line("jobCli", QString::fromStdString(ClusterJob().cli))),
      m_nodes(count("jobNodes", 4096, 1)), m_gpus(count("jobGpusPerNode", 64, 4)),
      m_cpus(count("jobCpusPerRank", 1024, ClusterJob().cpusPerRank))
{
    setWindowTitle(tr("Export Cluster Job"));
    m_runDir->setToolTip(tr("The run folder, on storage that every node sees under the same "
                            "path (your home on most clusters)"));
    m_partition->setPlaceholderText(tr("the cluster's default"));
    m_cli->setToolTip(tr("latent-cli as the nodes find it (a name on their PATH or a path)"));
    auto *browse = new QPushButton(tr("Browse…"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir =
            QFileDialog::getExistingDirectory(this, tr("Job Folder"), m_folder->text());
        if (!dir.isEmpty()) m_folder->setText(dir);
    });
    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browse);
    auto *form = new QFormLayout;
    form->addRow(tr("Job folder"), folderRow);
    form->addRow(tr("Run folder (shared)"), m_runDir);
    form->addRow(tr("Nodes"), m_nodes);
    form->addRow(tr("GPUs per node"), m_gpus);
    form->addRow(tr("CPU cores per rank"), m_cpus);
    form->addRow(tr("Partition"), m_partition);
    form->addRow(tr("Time limit"), m_time);
    form->addRow(tr("latent-cli on the nodes"), m_cli);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

QString ClusterJobDialog::jobFolder() const
{
    return m_folder->text().trimmed();
}

ClusterJob ClusterJobDialog::job() const
{
    ClusterJob j;
    j.nodes = m_nodes->value();
    j.ranksPerNode = m_gpus->value();
    j.cpusPerRank = m_cpus->value();
    j.partition = m_partition->text().trimmed().toStdString();
    j.time = m_time->text().trimmed().toStdString();
    j.runDir = m_runDir->text().trimmed().toStdString();
    j.cli = m_cli->text().trimmed().toStdString();
    return j;
}

} // namespace latent::studio
