// SPDX-License-Identifier: MIT
#include "localranks.h"

#include "../cli/cliutil.h" // kInterruptedExitCode
#include "dist/distributed.h"

#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTimer>

namespace latent::studio {

LocalRanks::LocalRanks(QObject *parent) : QObject(parent) {}

LocalRanks::~LocalRanks()
{
    for (auto &r : m_ranks) {
        r->process->disconnect(this);
        if (r->process->state() != QProcess::NotRunning) {
            r->process->kill();
            r->process->waitForFinished(2000);
        }
    }
}

QString LocalRanks::start(const QString &cli, const QStringList &arguments, int size, int port)
{
    for (int index = 1; index < size; ++index) {
        auto rank = std::make_unique<Rank>();
        rank->index = index;
        rank->process = new QProcess(this);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const auto &[name, value] : launcherVariables(localRank(index, size, port, "studio")))
            env.insert(QString::fromStdString(name), QString::fromStdString(value));
        env.insert("OPENBLAS_NUM_THREADS", "1");
        rank->process->setProcessEnvironment(env);
        rank->process->setProcessChannelMode(QProcess::MergedChannels);
        Rank *raw = rank.get();
        connect(rank->process, &QProcess::readyRead, this, [this, raw] { onOutput(*raw); });
        connect(
            rank->process, &QProcess::finished, this,
            [this, raw](int code, QProcess::ExitStatus status) { onFinished(*raw, code, status); });
        rank->process->start(cli, arguments);
        m_ranks.push_back(std::move(rank));
        if (!m_ranks.back()->process->waitForStarted(10000))
            return tr("cannot start rank %1 (%2): %3")
                .arg(index)
                .arg(cli, m_ranks.back()->process->errorString());
    }
    return {};
}

void LocalRanks::onOutput(Rank &rank)
{
    // Keep the last complete, non-empty line: the reason when the rank fails.
    const QStringList lines =
        QString::fromLocal8Bit(rank.process->readAll()).split(QRegularExpression("[\r\n]"));
    for (const QString &line : lines)
        if (!line.trimmed().isEmpty()) rank.lastLine = line.trimmed();
}

void LocalRanks::onFinished(Rank &rank, int code, QProcess::ExitStatus status)
{
    onOutput(rank);
    // 0: finished; kInterruptedExitCode: stopped with the others (a Stop on
    // rank 0 stops every rank at the same step).
    if (status == QProcess::NormalExit && (code == 0 || code == cli::kInterruptedExitCode)) return;
    if (m_finishing) return; // killed by finish(): rank 0 has ended the run
    const QString how = status == QProcess::CrashExit
                            ? tr("rank %1 was killed or crashed").arg(rank.index)
                            : tr("rank %1 exited with code %2").arg(rank.index).arg(code);
    const QString message = rank.lastLine.isEmpty() ? how : how + ": " + rank.lastLine;
    if (!m_failed->exchange(true)) m_failure = message;
    Q_EMIT rankFailed(message);
}

void LocalRanks::finish(int graceMs)
{
    QTimer::singleShot(graceMs, this, [this] {
        m_finishing = true;
        for (auto &r : m_ranks)
            if (r->process->state() != QProcess::NotRunning) r->process->kill();
    });
}

} // namespace latent::studio
