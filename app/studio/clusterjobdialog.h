// SPDX-License-Identifier: MIT
#pragma once

#include "dist/clusterjob.h"

#include <QDialog>

class QLineEdit;
class QSpinBox;

namespace latent::studio {

// Where and how a training run goes to a cluster: the folder for the job's
// files, the run folder on storage every node sees, and the Slurm resources.
class ClusterJobDialog : public QDialog
{
    Q_OBJECT
public:
    // `runName` proposes the folders' names.
    ClusterJobDialog(const QString &runName, QWidget *parent = nullptr);
    QString jobFolder() const;
    ClusterJob job() const;

private:
    QLineEdit *m_folder, *m_runDir, *m_partition, *m_time, *m_cli;
    QSpinBox *m_nodes, *m_gpus, *m_cpus;
};

} // namespace latent::studio
