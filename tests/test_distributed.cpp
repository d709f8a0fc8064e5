// SPDX-License-Identifier: MIT
// Data-parallel training: the launchers' environments, named random streams,
// a rank's share of a batch, the collectives (two ranks as two threads over
// Gloo on 127.0.0.1), global batch norm, device-correct tensors (checked on
// the meta device), and whole jobs through latent-cli launch against one
// process.
#include "dist/distributed.h"
#include "dist/syncbatchnorm.h"
#include "error.h"
#include "generators/generator.h"
#include "generators/sampling.h"
#include "runtime.h"
#include "train/contrastive.h"
#include "train/encoder.h"
#include "train/replay.h"
#include "train/trainer.h"
#include "views/views.h"

#include "smalldataset.h"
#include "stoppedrun.h"

#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/optim/sgd.h>
#include <torch/serialize.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <future>
#include <map>
#include <set>
#include <sstream>

using namespace latent;

namespace {

EnvLookup fakeEnv(std::map<std::string, std::string> vars)
{
    return [vars](const std::string &name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

QString refusal(const std::map<std::string, std::string> &vars)
{
    try {
        readDistributedEnv(fakeEnv(vars));
    } catch (const Error &e) {
        return e.what();
    }
    return "accepted";
}

int freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

// Runs `body(comm)` as ranks 0 and 1 of a two-rank job, each on its own thread.
template <typename Body> void twoRanks(Body body, int stepTimeoutSeconds = 60)
{
    const int port = freePort();
    const auto rank = [&](int r) {
        DistributedEnv env;
        env.rank = r;
        env.worldSize = 2;
        env.localRank = r;
        env.masterAddr = "127.0.0.1";
        env.masterPort = port;
        env.launcher = "test";
        DistributedTimeouts t;
        t.step = std::chrono::seconds(stepTimeoutSeconds);
        t.setup = std::chrono::seconds(60);
        auto comm = Communicator::join(env, false, t);
        body(*comm);
    };
    auto other = std::async(std::launch::async, rank, 1);
    rank(0);
    other.get();
}

// Per-step per-sample sums written by LATENT_BATCH_FINGERPRINTS.
std::map<int, std::vector<double>> readFingerprints(const QString &path)
{
    std::map<int, std::vector<double>> steps;
    std::ifstream in(path.toStdString());
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream s(line);
        int step = 0;
        s >> step;
        double v;
        while (s >> v)
            steps[step].push_back(v);
    }
    return steps;
}

bool close(double a, double b, double rel)
{
    return std::abs(a - b) <= rel * std::max(1.0, std::abs(a));
}

struct Cli
{
    int code = -1;
    QString out;
};

} // namespace

class TestDistributed : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QStringList smallRun(const QString &out, int steps) const
    {
        // A small learning rate: at the default one (0.06) this loss is so sharp
        // that fp32 rounding differences (the ranks sum in another order) grow
        // about tenfold per step, as they do between two equally valid kernels
        // in one process; here they stay near 1e-5 over 20 steps.
        return {"train",
                "--out",
                out,
                "--steps",
                QString::number(steps),
                "--batch",
                "16",
                "--lr",
                "0.0001",
                "--warmup",
                "2",
                "--probe-every",
                "0",
                "--eval",
                m_dir.filePath("data"),
                "--precision",
                "fp32",
                "--seed",
                "5",
                "--checkpoint-every",
                "5"};
    }

    static Cli cli(const QStringList &args, const QString &fingerprints = {},
                   const QStringList &env = {})
    {
        QProcess p;
        auto e = QProcessEnvironment::systemEnvironment();
        if (!fingerprints.isEmpty()) e.insert("LATENT_BATCH_FINGERPRINTS", fingerprints);
        for (const QString &kv : env)
            e.insert(kv.section('=', 0, 0), kv.section('=', 1));
        p.setProcessEnvironment(e);
        p.start(LATENT_CLI_PATH, args);
        p.waitForFinished(540000);
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2,
                QString(p.readAllStandardOutput()) + QString(p.readAllStandardError())};
    }

    // Ranks 0 and 1 of a torchrun-style job of two on this machine, meeting
    // at `port`, each running latent-cli with `args` (and `env`, NAME=VALUE;
    // rank 1 with `rank1Args` where given).
    static void startTwoRanks(QProcess (&ranks)[2], int port, const QStringList &args,
                              const QStringList &env = {}, const QStringList &rank1Args = {})
    {
        for (int r = 0; r < 2; ++r) {
            auto e = QProcessEnvironment::systemEnvironment();
            for (const auto &[name, value] : launcherVariables(localRank(r, 2, port, "torchrun")))
                e.insert(QString::fromStdString(name), QString::fromStdString(value));
            for (const QString &kv : env)
                e.insert(kv.section('=', 0, 0), kv.section('=', 1));
            ranks[r].setProcessEnvironment(e);
            ranks[r].start(LATENT_CLI_PATH, r == 1 && !rank1Args.isEmpty() ? rank1Args : args);
        }
    }

    // The encoder's parameters in a run's checkpoint (the small preset, grey).
    static std::map<std::string, torch::Tensor> checkpointState(const QString &run)
    {
        torch::serialize::InputArchive archive, model;
        archive.load_from((run + "/checkpoint.pt").toStdString());
        archive.read("model", model);
        Encoder e(encoderPreset("small", 1));
        e->load(model);
        std::map<std::string, torch::Tensor> state;
        for (const auto &p : e->named_parameters())
            state[p.key()] = p.value().detach().clone();
        return state;
    }

    // Fingerprints, losses and final parameters of two runs agree.
    static void compareRuns(const QString &a, const QString &b, const QString &fa,
                            const QString &fb, int fromStep)
    {
        const auto pa = readFingerprints(fa), pb = readFingerprints(fb);
        QVERIFY(!pb.empty());
        for (const auto &[step, sums] : pb) {
            QVERIFY2(pa.count(step), qPrintable(QString("step %1 missing").arg(step)));
            QCOMPARE(sums.size(), pa.at(step).size());
            for (std::size_t i = 0; i < sums.size(); ++i)
                QVERIFY2(close(sums[i], pa.at(step)[i], 1e-5),
                         qPrintable(QString("step %1 sample %2: %3 vs %4")
                                        .arg(step)
                                        .arg(i)
                                        .arg(sums[i])
                                        .arg(pa.at(step)[i])));
        }
        const auto ma = readMetrics(a.toStdString()), mb = readMetrics(b.toStdString());
        int compared = 0;
        for (const auto &rb : mb) {
            if (rb.kind != "train" || rb.step < fromStep) continue;
            for (const auto &ra : ma)
                if (ra.kind == "train" && ra.step == rb.step) {
                    QVERIFY2(close(ra.loss, rb.loss, 1e-4),
                             qPrintable(QString("step %1: loss %2 vs %3")
                                            .arg(rb.step)
                                            .arg(ra.loss, 0, 'g', 9)
                                            .arg(rb.loss, 0, 'g', 9)));
                    ++compared;
                }
        }
        QVERIFY(compared > 0);
        // The weights, and their change from the run's initialisation (seed 5),
        // which a wrong gradient would get wrong by its own size.
        torch::manual_seed(5);
        Encoder initial(encoderPreset("small", 1));
        const auto sa = checkpointState(a), sb = checkpointState(b);
        QCOMPARE(sa.size(), sb.size());
        for (const auto &p : initial->named_parameters()) {
            const auto wa = sa.at(p.key()).to(torch::kFloat64);
            const auto wb = sb.at(p.key()).to(torch::kFloat64);
            const double diff = (wa - wb).abs().max().item<double>();
            QVERIFY2(diff <= 1e-4 * std::max(1.0, wa.abs().max().item<double>()),
                     qPrintable(QString("%1 differs by %2").arg(p.key().c_str()).arg(diff)));
            const double update =
                (wa - p.value().detach().to(torch::kFloat64)).abs().max().item<double>();
            QVERIFY2(diff <= 5e-2 * update,
                     qPrintable(QString("the update of %1 differs by %2 of its size %3")
                                    .arg(p.key().c_str())
                                    .arg(diff / update)
                                    .arg(update)));
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        configureRuntime(1);
        QVERIFY(QDir(m_dir.path()).mkpath("data"));
        latent::test::writeSmallDataset(m_dir.filePath("data").toStdString(), 300, 200);
    }

    void launcherEnvironments()
    {
        auto env = readDistributedEnv(fakeEnv({}));
        QVERIFY(!env.distributed());
        env = readDistributedEnv(fakeEnv({{"RANK", "3"},
                                          {"WORLD_SIZE", "4"},
                                          {"LOCAL_RANK", "1"},
                                          {"LOCAL_WORLD_SIZE", "2"},
                                          {"MASTER_ADDR", "node0"},
                                          {"MASTER_PORT", "29500"}}));
        QCOMPARE(env.rank, 3);
        QCOMPARE(env.worldSize, 4);
        QCOMPARE(env.localRank, 1);
        QCOMPARE(env.localWorldSize, 2);
        QCOMPARE(env.masterAddr, std::string("node0"));
        QCOMPARE(env.launcher, std::string("torchrun"));
        QVERIFY(env.agentStorePrefix.empty()); // rank 0 serves the store
        env = readDistributedEnv(fakeEnv({{"RANK", "0"},
                                          {"WORLD_SIZE", "4"},
                                          {"LOCAL_RANK", "0"},
                                          {"MASTER_ADDR", "node0"},
                                          {"MASTER_PORT", "29500"},
                                          {"TORCHELASTIC_USE_AGENT_STORE", "True"},
                                          {"TORCHELASTIC_RESTART_COUNT", "2"}}));
        QCOMPARE(env.agentStorePrefix, std::string("/worker/attempt_2"));
        env = readDistributedEnv(fakeEnv({{"SLURM_PROCID", "5"},
                                          {"SLURM_NTASKS", "8"},
                                          {"SLURM_LOCALID", "1"},
                                          {"SLURM_STEP_ID", "0"},
                                          {"MASTER_ADDR", "n1"},
                                          {"MASTER_PORT", "1234"}}));
        QCOMPARE(env.rank, 5);
        QCOMPARE(env.launcher, std::string("slurm"));
        // A batch script's own shell is no rank (no srun step).
        QVERIFY(!readDistributedEnv(fakeEnv({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "8"}}))
                     .distributed());
        env = readDistributedEnv(fakeEnv({{"OMPI_COMM_WORLD_RANK", "1"},
                                          {"OMPI_COMM_WORLD_SIZE", "2"},
                                          {"OMPI_COMM_WORLD_LOCAL_RANK", "1"},
                                          {"MASTER_ADDR", "127.0.0.1"},
                                          {"MASTER_PORT", "29500"}}));
        QCOMPARE(env.launcher, std::string("openmpi"));
        QCOMPARE(env.rank, 1);

        QCOMPARE(refusal({{"RANK", "0"}, {"LOCAL_RANK", "0"}}),
                 QString("environment variable WORLD_SIZE is not set, but torchrun's RANK is: a "
                         "torchrun rank needs RANK, WORLD_SIZE and LOCAL_RANK"));
        QCOMPARE(refusal({{"RANK", "2"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "0"}}),
                 QString("environment variable RANK is \"2\"; expected an integer 0..1"));
        QCOMPARE(refusal({{"RANK", "x"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "0"}}),
                 QString("environment variable RANK is \"x\"; expected an integer 0..1"));
        QCOMPARE(
            refusal(
                {{"RANK", "1"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "1"}, {"MASTER_ADDR", "h"}}),
            QString("environment variable MASTER_PORT is not set, but torchrun's RANK is: "
                    "a torchrun rank needs RANK, WORLD_SIZE and LOCAL_RANK, with "
                    "MASTER_ADDR and MASTER_PORT"));
        QCOMPARE(refusal({{"RANK", "1"},
                          {"WORLD_SIZE", "2"},
                          {"LOCAL_RANK", "1"},
                          {"MASTER_ADDR", "h"},
                          {"MASTER_PORT", "70000"}}),
                 QString("environment variable MASTER_PORT is \"70000\"; expected an integer "
                         "1..65535"));
        QCOMPARE(refusal({{"RANK", "1"},
                          {"WORLD_SIZE", "4"},
                          {"LOCAL_RANK", "2"},
                          {"LOCAL_WORLD_SIZE", "2"},
                          {"MASTER_ADDR", "h"},
                          {"MASTER_PORT", "1"}}),
                 QString("environment variable LOCAL_RANK is 2 but LOCAL_WORLD_SIZE is 2; the "
                         "local rank must be below it"));
    }

    // Each random quantity of a step has its own stream: no shared or
    // correlated draws between them (the walk amplitudes and the Gaussian
    // view noise once came from one seed).
    void namedStreamsAreIndependent()
    {
        const std::uint64_t seed = stepSeed(7, 3);
        QVERIFY(stepSeed(7, 3) != stepSeed(7, 4) && stepSeed(7, 3) != stepSeed(8, 3));
        const char *names[] = {"anchor.latent", "anchor.class", "view.gaussian", "view.walk.0",
                               "view.walk.1",   "view.pixel",   "real.index",    "real.pixel"};
        std::vector<torch::Tensor> draws;
        for (const char *name : names)
            draws.push_back(truncatedNormal(4096, 1, 0, streamSeed(seed, name)).flatten());
        for (std::size_t i = 0; i < draws.size(); ++i)
            for (std::size_t j = i + 1; j < draws.size(); ++j) {
                const auto c = torch::corrcoef(torch::stack({draws[i], draws[j]}));
                QVERIFY2(std::abs(c[0][1].item<double>()) < 0.06,
                         qPrintable(QString("%1 and %2 correlate").arg(names[i]).arg(names[j])));
                QVERIFY(!torch::equal(draws[i].slice(0, 0, 8), draws[j].slice(0, 0, 8)));
            }
    }

    // A rank's share of a batch is those rows of the whole batch, whatever
    // the split (anchors, Gaussian noise, walks, pixel augmentations).
    void sliceEqualsTheWholeBatchRows()
    {
        const auto gen = Generator::load(LATENT_DEFAULT_GENERATOR, "cpu");
        ViewRecipe r;
        r.views.sigma = 0.5f;
        DirectionSet set;
        set.name = "test";
        set.method = "random";
        set.latentSize = gen->info().latentSize;
        set.vectors = {std::vector<float>(gen->info().latentSize, 0.1f)};
        set.labels = {"d0"};
        set.scores = {0};
        r.directionSets.push_back(set);
        ViewRecipe::SteeredWalk walk;
        walk.set = "test";
        walk.direction = "d0";
        r.views.steered.push_back(walk);
        r.pixel.cropP = 1;
        torch::Tensor classes;
        const auto whole = generateViews(*gen, r, 8, 2, 99, ViewMode::Both, &classes);
        for (const auto &[first, count] : {std::pair{0, 4}, std::pair{4, 4}, std::pair{2, 2}}) {
            torch::Tensor part;
            const auto share = generateViews(*gen, r, count, 2, 99, ViewMode::Both, &part, nullptr,
                                             SampleSlice{first, 8});
            QVERIFY(torch::allclose(share, whole.slice(0, first, first + count), 1e-5, 1e-5));
            QVERIFY(torch::equal(part, classes.slice(0, first, first + count)));
        }
        bool refused = false;
        try {
            generateViews(*gen, r, 4, 2, 99, ViewMode::Both, nullptr, nullptr, SampleSlice{6, 8});
        } catch (const Error &e) {
            refused = QString(e.what()).contains("anchors 6..10 are outside a batch of 8");
        }
        QVERIFY(refused);
    }

    // The loss makes every tensor on its input's device: on the meta device a
    // CPU mask or id tensor is refused. (LibTorch 1.13's meta device lacks
    // grid sampling, so the view pipeline is checked by tools/gpu-check.sh.)
    void lossAndViewsStayOnTheirDevice()
    {
        const auto meta = torch::TensorOptions().device(torch::kMeta);
        const auto features = torch::empty({8, 2, 16}, meta);
        const auto loss = supConLoss(features, torch::Tensor(), 0.5, 0.5);
        QCOMPARE(loss.device().type(), torch::kMeta);
        const auto labelled =
            supConLoss(features, torch::zeros({8}, meta.dtype(torch::kInt64)), 0.5, 0.5);
        QCOMPARE(labelled.device().type(), torch::kMeta);
    }

    // Two ranks with half a batch each: global batch norm, gathered features
    // and summed gradients give one process's numbers on the whole batch.
    void collectivesMatchOneProcess()
    {
        torch::manual_seed(3);
        const auto x = torch::randn({8, 4, 5, 5}) * 3 + 1;
        const auto dy = torch::randn({8, 4, 5, 5});
        SyncBatchNorm reference(4);
        const auto xr = x.clone().requires_grad_(true);
        const auto yr = reference->forward(xr);
        (yr * dy).sum().backward();

        std::vector<torch::Tensor> y(2), dx(2), dw(2), mean(2);
        twoRanks([&](Communicator &comm) {
            const int r = comm.rank();
            SyncBatchNorm bn(4);
            bn->setCommunicator(std::shared_ptr<Communicator>(&comm, [](Communicator *) {}));
            const auto xs = x.slice(0, 4 * r, 4 * r + 4).clone().requires_grad_(true);
            const auto ys = bn->forward(xs);
            (ys * dy.slice(0, 4 * r, 4 * r + 4)).sum().backward();
            std::vector<torch::Tensor> grads{bn->weight};
            allReduceGradients(comm, grads);
            y[r] = ys.detach();
            dx[r] = xs.grad();
            dw[r] = bn->weight.grad();
            mean[r] = bn->running_mean.clone();
        });
        QVERIFY(torch::allclose(torch::cat(y), yr.detach(), 1e-4, 1e-5));
        QVERIFY(torch::allclose(torch::cat(dx), xr.grad(), 1e-4, 1e-5));
        QVERIFY(torch::allclose(dw[0], reference->weight.grad(), 1e-4, 1e-5));
        QVERIFY(torch::allclose(dw[1], dw[0]));
        QVERIFY(torch::allclose(mean[0], reference->running_mean, 1e-5, 1e-6));

        // The loss of gathered features: every rank gets the whole batch's
        // loss, and its rows' gradient.
        const auto f = torch::randn({8, 2, 6});
        const auto fr = f.clone().requires_grad_(true);
        supConLoss(fr, torch::Tensor(), 0.5, 0.5).backward();
        std::vector<double> losses(2);
        std::vector<torch::Tensor> grads(2);
        twoRanks([&](Communicator &comm) {
            const int r = comm.rank();
            const auto mine = f.slice(0, 4 * r, 4 * r + 4).clone().requires_grad_(true);
            const auto all = gatherWithGradient(comm, mine.view({8, 6})).view({8, 2, 6});
            const auto loss = supConLoss(all, torch::Tensor(), 0.5, 0.5);
            loss.backward();
            losses[r] = loss.item<double>();
            grads[r] = mine.grad();
        });
        const double expected = supConLoss(f, torch::Tensor(), 0.5, 0.5).item<double>();
        QVERIFY(close(losses[0], expected, 1e-6) && close(losses[1], expected, 1e-6));
        QVERIFY(torch::allclose(torch::cat(grads), fr.grad(), 1e-5, 1e-6));
    }

    // Three SGD steps of the encoder (momentum, weight decay) by two ranks
    // with half the batch each (global batch norm, gathered features, summed
    // gradients) end at the weights of one rank with the whole batch.
    void encoderStepsMatchOneRank()
    {
        const auto spec = encoderPreset("small", 1);
        torch::manual_seed(11);
        const auto x = torch::rand({8, 2, 1, 32, 32});
        const auto train = [&](Encoder &e, const torch::Tensor &views, Communicator &comm) {
            e->useChannelsLast();
            e->setCommunicator(std::shared_ptr<Communicator>(&comm, [](Communicator *) {}));
            torch::optim::SGD sgd(e->parameters(),
                                  torch::optim::SGDOptions(0.06).momentum(0.9).weight_decay(5e-4));
            for (int step = 0; step < 3; ++step) {
                auto f = e->forward(views.flatten(0, 1).contiguous(at::MemoryFormat::ChannelsLast));
                f = gatherWithGradient(comm, f);
                const auto loss =
                    supConLoss(f.view({-1, 2, f.size(1)}), torch::Tensor(), 0.1, 0.07);
                sgd.zero_grad();
                loss.backward();
                allReduceGradients(comm, e->parameters());
                sgd.step();
            }
            std::map<std::string, torch::Tensor> weights;
            for (const auto &p : e->named_parameters())
                weights[p.key()] = p.value().detach().clone();
            return weights;
        };
        torch::manual_seed(1);
        Encoder whole(spec);
        std::map<std::string, torch::Tensor> initial;
        for (const auto &p : whole->named_parameters())
            initial[p.key()] = p.value().detach().clone();
        DistributedEnv alone;
        alone.launcher = "test";
        const auto one = Communicator::join(alone, false, {});
        const auto expected = train(whole, x, *one);
        std::vector<std::map<std::string, torch::Tensor>> got(2);
        twoRanks([&](Communicator &comm) {
            const int r = comm.rank();
            Encoder e(spec);
            {
                torch::NoGradGuard noGrad;
                for (const auto &p : e->named_parameters())
                    p.value().copy_(initial.at(p.key()));
            }
            got[r] = train(e, x.slice(0, 4 * r, 4 * r + 4), comm);
        });
        for (const auto &[key, w] : expected) {
            // Compared on the change from the initial weights, which a wrong
            // gradient gets wrong by its own size (without the gradients'
            // all-reduce every tensor is off by more than 0.5). Within 1e-2:
            // on AVX-512 oneDNN convolves the halved batch with other kernels,
            // and the stem's updates differ by 1.3e-3 of their size (2.5e-5
            // with ONEDNN_MAX_CPU_ISA=AVX2).
            const auto update = w - initial.at(key);
            const double scale = std::max(1e-9, update.abs().max().item<double>());
            for (int r = 0; r < 2; ++r) {
                const double diff = (got[r].at(key) - w).abs().max().item<double>() / scale;
                QVERIFY2(diff < 1e-2, qPrintable(QString("rank %1: the update of %2 is off by %3 "
                                                         "of its size")
                                                     .arg(r)
                                                     .arg(key.c_str())
                                                     .arg(diff)));
            }
        }
    }

    // A rank that leaves makes the other fail within its timeout, naming both.
    void aLostRankIsReported()
    {
        QString message;
        twoRanks(
            [&](Communicator &comm) {
                // Rank 1 leaves after one all-reduce, so both are past the
                // set-up (leaving while the other still joins is a failure
                // to connect, another message); its connections close.
                auto t = torch::ones({4});
                try {
                    comm.allReduceSum(t);
                    if (comm.rank() == 1) return;
                    comm.allReduceSum(t);
                    comm.allReduceSum(t);
                } catch (const Error &e) {
                    message = e.what();
                }
            },
            5);
        QVERIFY2(
            message.startsWith("rank 0 of 2: all-reduce with the other ranks failed") &&
                message.contains("rank 1 died, hung for more than 5 s or lost its connection") &&
                message.contains("relaunching the job resumes"),
            qPrintable(message));
    }

    // latent-cli launch --nproc 2 against a job of one process with the same
    // global batch: the same images, losses and final weights. (A plain run
    // differs from both by ATen's channels-last batch norm: syncbatchnorm.h.)
    void twoRanksMatchOneProcess()
    {
        const QString one = m_dir.filePath("one"), two = m_dir.filePath("two");
        const QString f1 = m_dir.filePath("one.txt"), f2 = m_dir.filePath("two.txt");
        Cli r = cli(QStringList{"launch", "--nproc", "1", "--", "train"} + smallRun(one, 20).mid(1),
                    f1);
        QVERIFY2(r.code == 0, qPrintable(r.out));
        r = cli(QStringList{"launch", "--nproc", "2", "--", "train"} + smallRun(two, 20).mid(1),
                f2);
        QVERIFY2(r.code == 0, qPrintable(r.out));
        QVERIFY2(r.out.contains("[rank 0] rank 0 of 2 (local 0, torchrun), ") &&
                     r.out.contains("[rank 1] rank 1 of 2") &&
                     r.out.contains("[rank 0] state:     finished at step 20 of 20"),
                 qPrintable(r.out));
        QCOMPARE(readFingerprints(f2).size(), std::size_t(20));
        compareRuns(one, two, f1, f2, 1);
        // Only rank 0 wrote: one status, one metrics row per step.
        QCOMPARE(readRunStatus(two.toStdString()).state, RunState::Finished);
        int trainRows = 0;
        for (const auto &row : readMetrics(two.toStdString()))
            trainRows += row.kind == "train";
        QCOMPARE(trainRows, 20);
        // The replay makes each rank's share again and checks the fingerprint
        // the ranks recorded together.
        const BatchReplay replayed = replayBatch(two.toStdString(), 7);
        QVERIFY2(replayed.matches(), replayed.verdict().c_str());
    }

    // A one-rank run stopped at step 10 resumes as two ranks and ends where
    // an uninterrupted one-rank run ends.
    void twoRanksResumeAOneProcessCheckpoint()
    {
        const QString whole = m_dir.filePath("whole"), parts = m_dir.filePath("parts");
        const QString fw = m_dir.filePath("whole.txt"), fp = m_dir.filePath("parts.txt");
        Cli r = cli(
            QStringList{"launch", "--nproc", "1", "--", "train"} + smallRun(whole, 20).mid(1), fw);
        QVERIFY2(r.code == 0, qPrintable(r.out));
        {
            TrainConfig c = readTrainConfig((whole + "/config.json").toStdString());
            ParallelOptions alone; // a job of one rank, as launch --nproc 1 makes
            alone.env.launcher = "test";
            auto t = Trainer::create(parts.toStdString(), c,
                                     readRecipe((whole + "/recipe.json").toStdString()), {}, alone);
            Trainer *raw = t.get();
            t->setObserver({nullptr,
                            [raw](const TrainProgress &p) {
                                if (p.step == 10) raw->stop();
                            },
                            nullptr, nullptr, nullptr, nullptr});
            t->start();
            t->wait();
            QCOMPARE(t->step(), 10);
        }
        r = cli({"launch", "--nproc", "2", "--", "train", "--resume", parts}, fp);
        QVERIFY2(r.code == 0, qPrintable(r.out));
        QVERIFY2(r.out.contains("[rank 0] resuming " + parts + " at step 10"), qPrintable(r.out));
        compareRuns(whole, parts, fw, fp, 11);
        // Steps of both sessions replay: one rank before the resume, two after.
        for (int step : {4, 15}) {
            const BatchReplay replayed = replayBatch(parts.toStdString(), step);
            QVERIFY2(replayed.matches(), replayed.verdict().c_str());
        }
    }

    // A rank killed mid-run: its peer stops with a message within the
    // timeout (not a hang), and rank 0's checkpoint resumes.
    void killedRankStopsTheOther()
    {
        const QString run = m_dir.filePath("killed");
        QProcess ranks[2];
        startTwoRanks(ranks, freePort(),
                      QStringList{"--threads", "1"} + smallRun(run, 100000) +
                          QStringList{"--dist-timeout", "20"});
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(run + "/checkpoint.pt"), 240000);
        ranks[1].kill();
        QVERIFY(ranks[0].waitForFinished(120000));
        const QString err = ranks[0].readAllStandardError() + ranks[0].readAllStandardOutput();
        QVERIFY2(ranks[0].exitCode() == 1 && err.contains("rank 0 of 2:") &&
                     err.contains("rank 1 died, hung for more than 20 s or lost its connection"),
                 qPrintable(err));
        ranks[1].waitForFinished(10000);
        const auto resumed = Trainer::open(run.toStdString());
        QVERIFY(resumed->step() >= 5 && resumed->step() % 5 == 0);
    }

    // A rank that hangs (stopped, not dead: its sockets stay open) fails the
    // other after --dist-timeout, which then exits instead of waiting for
    // Gloo's worker thread to give up at the setup timeout (an hour).
    void hungRankStopsTheOther()
    {
        const QString run = m_dir.filePath("hung");
        QProcess ranks[2];
        startTwoRanks(ranks, freePort(),
                      QStringList{"--threads", "1"} + smallRun(run, 100000) +
                          QStringList{"--dist-timeout", "10"});
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(run + "/checkpoint.pt"), 240000);
        ::kill(pid_t(ranks[1].processId()), SIGSTOP);
        const bool ended = ranks[0].waitForFinished(240000);
        ::kill(pid_t(ranks[1].processId()), SIGKILL);
        ranks[1].waitForFinished(10000);
        QVERIFY2(ended, "rank 0 still waits four minutes after its peer hung");
        const QString err = ranks[0].readAllStandardError() + ranks[0].readAllStandardOutput();
        QVERIFY2(ranks[0].exitCode() == 1 && err.contains("hung for more than 10 s"),
                 qPrintable(err));
    }

    // Under torchrun's elastic agent the agent on the first machine serves
    // the store at MASTER_PORT: every rank joins it as a client, under the
    // agent's prefix (rank 0 serving the port itself failed: address in use).
    void torchrunAgentStoreIsJoined()
    {
        const QString run = m_dir.filePath("agent-store");
        const int port = freePort();
        c10d::TCPStoreOptions agent; // what torchrun's static rendezvous starts
        agent.port = std::uint16_t(port);
        agent.isServer = true;
        agent.waitWorkers = false;
        c10d::TCPStore store("127.0.0.1", agent);
        QProcess ranks[2];
        startTwoRanks(ranks, port, QStringList{"--threads", "1"} + smallRun(run, 3),
                      {"TORCHELASTIC_USE_AGENT_STORE=True", "TORCHELASTIC_RESTART_COUNT=0"});
        for (QProcess &rank : ranks) {
            QVERIFY(rank.waitForFinished(300000));
            QVERIFY2(rank.exitCode() == 0,
                     qPrintable(rank.readAllStandardError() + rank.readAllStandardOutput()));
        }
        QCOMPARE(readRunStatus(run.toStdString()).state, RunState::Finished);
        // The ranks' keys live under the agent's prefix, as PyTorch's own ranks' do.
        QCOMPARE(store.add("/worker/attempt_0/latent/joined", 0), std::int64_t(2));
    }

    // Ranks that open different copies of a run (each machine its own folder,
    // one without the checkpoint) resume at different steps: both are refused
    // by name at the start (before: the copy without a checkpoint trained
    // from step 0 with fresh optimizer state, and the job hung at its end).
    void ranksResumingDifferentStepsAreRefused()
    {
        const QString run = m_dir.filePath("stopped"), copy = m_dir.filePath("stopped-copy");
        test::writeStoppedRun(run.toStdString(), m_dir.filePath("stopped-data").toStdString());
        std::filesystem::copy(run.toStdString(), copy.toStdString(),
                              std::filesystem::copy_options::recursive);
        QVERIFY(QFile::remove(copy + "/checkpoint.pt"));
        QProcess ranks[2];
        startTwoRanks(ranks, freePort(), {"--threads", "1", "train", "--resume", run}, {},
                      {"--threads", "1", "train", "--resume", copy});
        for (QProcess &rank : ranks) {
            QVERIFY(rank.waitForFinished(240000));
            const QString err = rank.readAllStandardError() + rank.readAllStandardOutput();
            QVERIFY2(rank.exitCode() == 1 &&
                         err.contains("rank 1 of 2 resumes at step 0 but rank 0 at step 2"),
                     qPrintable(err));
        }
        QCOMPARE(readRunStatus(run.toStdString()).step, 2); // still resumable as it was
    }

    // A cluster job: well-formed scripts whose environment, under a simulated
    // srun, gives every rank a distinct place in a 2 x 2 job. Folders with a
    // space and a % (sbatch splits #SBATCH lines at spaces and expands % in
    // file names) and a relative --eval (the ranks start elsewhere).
    void clusterJobScripts()
    {
        const QString job = m_dir.filePath("my job%"), bin = m_dir.filePath("bin");
        const QString runDir = "/shared/runs/zoom test";
        Cli r = cli({"train", "--out", runDir + "/", "--batch", "16", "--eval",
                     QDir::current().relativeFilePath(m_dir.filePath("data")), "--cluster-job", job,
                     "--nodes", "2", "--gpus-per-node", "2", "--partition", "gpu"});
        QVERIFY2(r.code == 0 && r.out.contains("submit: sbatch '" + job + "/job.sbatch'"),
                 qPrintable(r.out));
        QVERIFY(!QFile::exists(runDir));
        const TrainConfig c = readTrainConfig((job + "/config.json").toStdString());
        QCOMPARE(c.batch, 16);
        QCOMPARE(QString::fromStdString(c.evalData), m_dir.filePath("data"));
        for (const QString script : {"job.sbatch", "torchrun.sh"}) {
            QProcess bash;
            bash.start("bash", {"-n", job + "/" + script});
            QVERIFY(bash.waitForFinished() && bash.exitCode() == 0);
        }
        QFile sbatch(job + "/job.sbatch");
        QVERIFY(sbatch.open(QIODevice::ReadOnly));
        const QString text = sbatch.readAll();
        QVERIFY(
            text.contains("#SBATCH --nodes=2\n") &&
            text.contains("#SBATCH --ntasks-per-node=2\n") &&
            text.contains("#SBATCH --gpus-per-node=2\n") &&
            text.contains("#SBATCH --partition='gpu'\n") &&
            text.contains("#SBATCH --job-name='latent-zoom test'\n") &&
            text.contains("#SBATCH --output='" + m_dir.filePath("my job%%") + "/slurm-%j.out'\n"));
        // Each #SBATCH line is one word after its option, split as sbatch
        // splits it (at white space outside quotes, as bash does).
        for (const QString &line : text.split('\n')) {
            if (!line.startsWith("#SBATCH ")) continue;
            QProcess words;
            words.start("bash", {"-c", "eval \"set -- $1\"; echo $#", "-", line.mid(8)});
            QVERIFY(words.waitForFinished());
            QVERIFY2(words.readAllStandardOutput().trimmed() == "1", qPrintable(line));
        }

        // scontrol names the nodes; srun prints what each rank would run.
        QVERIFY(QDir().mkpath(bin));
        const auto tool = [&](const QString &name, const QByteArray &body) {
            QFile f(bin + "/" + name);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("#!/bin/bash\n" + body);
            f.close();
            f.setPermissions(f.permissions() | QFileDevice::ExeOwner);
        };
        tool("scontrol", "printf 'node-a\\nnode-b\\n'\n");
        tool("srun", "echo \"$MASTER_ADDR $MASTER_PORT $2\"; shift 2; printf '[%s]' \"$@\"\n");
        QProcess run;
        auto e = QProcessEnvironment::systemEnvironment();
        e.insert("PATH", bin + ":" + e.value("PATH"));
        e.insert("SLURM_JOB_NODELIST", "node-[a-b]");
        e.insert("SLURM_CPUS_PER_TASK", "8");
        e.insert("SLURM_JOB_ID", "123456");
        e.insert("MASTER_PORT", "29999"); // the submitting shell's, which every job would share
        run.setProcessEnvironment(e);
        run.start("bash", {job + "/job.sbatch"});
        QVERIFY(run.waitForFinished() && run.exitCode() == 0);
        const QStringList lines = QString(run.readAllStandardOutput()).trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines[0], QString("node-a 23456 --cpus-per-task=8")); // 20000 + job id % 12000
        QCOMPARE(lines[1], "[latent-cli][--threads][8][train][--config][" + job +
                               "/config.json][--recipe][" + job + "/recipe.json][--out][" + runDir +
                               "]");
        // srun's own variables for task p of 2 nodes x 2: a distinct rank each.
        std::set<int> seen;
        for (int p = 0; p < 4; ++p) {
            const auto env = readDistributedEnv(fakeEnv({{"SLURM_PROCID", std::to_string(p)},
                                                         {"SLURM_NTASKS", "4"},
                                                         {"SLURM_LOCALID", std::to_string(p % 2)},
                                                         {"SLURM_STEP_ID", "0"},
                                                         {"MASTER_ADDR", "node-a"},
                                                         {"MASTER_PORT", "29500"}}));
            QCOMPARE(env.worldSize, 4);
            QCOMPARE(env.localRank, p % 2);
            seen.insert(env.rank);
        }
        QCOMPARE(seen.size(), std::size_t(4));

        // One budget definition (setBudget): --minutes alone is not cut at the
        // default 1,000 steps; with --steps, whichever ends first.
        r = cli(
            {"train", "--out", "/shared/runs/r3", "--minutes", "30", "--cluster-job", job + "3"});
        QVERIFY2(r.code == 0, qPrintable(r.out));
        const TrainConfig timed = readTrainConfig((job + "3/config.json").toStdString());
        QVERIFY(timed.minutes == 30 && timed.steps == kUnlimitedSteps);
        r = cli({"train", "--out", "/shared/runs/r4", "--minutes", "30", "--steps", "500",
                 "--cluster-job", job + "4"});
        const TrainConfig both = readTrainConfig((job + "4/config.json").toStdString());
        QVERIFY(r.code == 0 && both.minutes == 30 && both.steps == 500);

        r = cli({"train", "--out", "/shared/runs/r2", "--batch", "10", "--cluster-job", job + "2",
                 "--nodes", "3", "--gpus-per-node", "2"});
        QVERIFY2(r.code == 1 && r.out.contains("a global batch of 10 anchors cannot be split "
                                               "evenly between 6 ranks (3 nodes x 2)"),
                 qPrintable(r.out));
        const QString backslash = m_dir.filePath("back\\slash");
        r = cli({"train", "--out", "/shared/runs/r5", "--cluster-job", backslash});
        QVERIFY2(r.code == 1 &&
                     r.out.contains("the job folder " + backslash + " has a backslash in its path"),
                 qPrintable(r.out));
        QVERIFY(!QFile::exists(backslash)); // nothing written
    }

    // A train command in a partial launcher environment is refused.
    void partialEnvironmentRefused()
    {
        const Cli r = cli(smallRun(m_dir.filePath("partial"), 2), {}, {"RANK=0", "LOCAL_RANK=0"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.out.contains("latent-cli: error: environment variable WORLD_SIZE is not set"),
                 qPrintable(r.out));
        QVERIFY(!QFile::exists(m_dir.filePath("partial")));
    }
};

QTEST_GUILESS_MAIN(TestDistributed)
#include "test_distributed.moc"
