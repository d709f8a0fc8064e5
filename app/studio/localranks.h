// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QProcess>
#include <QStringList>

#include <atomic>
#include <memory>
#include <vector>

namespace latent::studio {

// Ranks 1..N-1 of a local data-parallel job, as latent-cli processes; the
// studio trains rank 0 itself (its curves and status are the run's). Each
// rank gets torchrun's variables for 127.0.0.1:port, so it shares the
// machine's cores with the others (latent-cli divides them by
// LOCAL_WORLD_SIZE).
class LocalRanks : public QObject
{
    Q_OBJECT
public:
    explicit LocalRanks(QObject *parent = nullptr);
    ~LocalRanks() override; // kills the ranks still running

    // Starts `cli` with `arguments` as ranks 1..size-1; returns an error text
    // (empty when all started).
    QString start(const QString &cli, const QStringList &arguments, int size, int port);
    // Rank 0 is done: ranks still running after `graceMs` are killed (they
    // end at the same step as rank 0, or wait for it until a timeout).
    void finish(int graceMs);
    int count() const { return int(m_ranks.size()); }
    // True once a rank failed: rank 0 stops waiting for it to join.
    std::shared_ptr<const std::atomic<bool>> failedFlag() const { return m_failed; }
    // "rank R exited with code C: <its last line>" for the first failure.
    QString failure() const { return m_failure; }

Q_SIGNALS:
    void rankFailed(const QString &message);

private:
    struct Rank
    {
        int index = 0;
        QProcess *process = nullptr;
        QString lastLine;
    };
    void onOutput(Rank &rank);
    void onFinished(Rank &rank, int code, QProcess::ExitStatus status);

    std::vector<std::unique_ptr<Rank>> m_ranks;
    std::shared_ptr<std::atomic<bool>> m_failed = std::make_shared<std::atomic<bool>>(false);
    QString m_failure;
    bool m_finishing = false;
};

} // namespace latent::studio
