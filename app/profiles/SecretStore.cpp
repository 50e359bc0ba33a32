#include "SecretStore.h"

#include <memory>
#include <QCoreApplication>
#include <QEventLoop>
#include <QLoggingCategory>
#include <qt6keychain/keychain.h>
#include <QTimer>

Q_LOGGING_CATEGORY(lcSecrets, "mailscope.secrets")

namespace {

QString tr(const char* text) { return QCoreApplication::translate("SecretStore", text); }

SecretResult resultOf(const QKeychain::Job& job)
{
    SecretResult r;
    switch (job.error()) {
    case QKeychain::NoError:
        r.status = SecretResult::Status::Ok;
        return r;
    case QKeychain::EntryNotFound:
        r.status = SecretResult::Status::NotFound;
        r.message = tr("The keychain holds no password for this profile.");
        return r;
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        r.status = SecretResult::Status::Denied;
        r.message = tr("The keychain refused access (%1).").arg(job.errorString());
        return r;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        r.status = SecretResult::Status::Unavailable;
        r.message = tr("No keychain is available on this desktop (%1).").arg(job.errorString());
        return r;
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::OtherError:
        break;
    }
    // libsecret reports a missing session bus or secret service as a plain error.
    r.status = SecretResult::Status::Unavailable;
    r.message = tr("The keychain could not be used (%1).").arg(job.errorString());
    return r;
}

} // namespace

SecretStore::SecretStore(QObject* parent)
    : QObject(parent)
{
}

SecretStore::~SecretStore() = default;

QString SecretStore::serviceName() { return QStringLiteral("Mailscope"); }

void SecretStore::write(const QString& key, const QByteArray& secret, Callback done)
{
    run(Operation::Write, key, secret, std::move(done));
}

void SecretStore::read(const QString& key, Callback done) { run(Operation::Read, key, {}, std::move(done)); }

void SecretStore::remove(const QString& key, Callback done)
{
    run(Operation::Remove, key, {}, std::move(done));
}

void SecretStore::run(Operation operation, const QString& key, const QByteArray& secret, Callback done)
{
    // The job has no parent: a running job must not be deleted under QtKeychain; it deletes
    // itself when it finishes (autoDelete), even after we stopped waiting for it.
    QKeychain::Job* job = nullptr;
    switch (operation) {
    case Operation::Write: {
        auto* w = new QKeychain::WritePasswordJob(serviceName());
        // Always as bytes (QtKeychain keeps them base64-encoded): a password need not be UTF-8,
        // and mixing text and binary entries under one key leaves two entries behind.
        w->setBinaryData(secret);
        job = w;
        break;
    }
    case Operation::Read:
        job = new QKeychain::ReadPasswordJob(serviceName());
        break;
    case Operation::Remove:
        job = new QKeychain::DeletePasswordJob(serviceName());
        break;
    }
    job->setKey(key);
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a password in a plaintext settings file

    struct State
    {
        bool reported = false;
        QTimer timer;
        Callback done;
    };
    auto state = std::make_shared<State>();
    state->done = std::move(done);
    state->timer.setSingleShot(true);
    state->timer.setTimerType(Qt::PreciseTimer);
    const int timeoutMs = m_timeoutMs;
    // The timer's handler holds the state weakly (the state owns the timer); the job's handler
    // holds it until the job finishes and deletes itself.
    connect(&state->timer, &QTimer::timeout, this, [weak = std::weak_ptr<State>(state), timeoutMs] {
        const std::shared_ptr<State> alive = weak.lock();
        if (!alive || alive->reported)
            return;
        alive->reported = true;
        qCWarning(lcSecrets) << "keychain did not answer within" << timeoutMs << "ms";
        SecretResult r;
        r.status = SecretResult::Status::TimedOut;
        r.message = tr("The keychain did not answer within %1 s (it may be locked and waiting for a "
                       "password on a screen that is not shown).")
                        .arg(timeoutMs / 1000.0);
        alive->done(r);
    });
    connect(job, &QKeychain::Job::finished, this, [state, operation](QKeychain::Job* finished) {
        if (state->reported)
            return;
        state->reported = true;
        state->timer.stop();
        SecretResult r = resultOf(*finished);
        if (r.ok() && operation == Operation::Read)
            r.secret = static_cast<QKeychain::ReadPasswordJob*>(finished)->binaryData();
        if (!r.ok())
            qCInfo(lcSecrets) << "keychain:" << finished->errorString(); // never the secret
        state->done(r);
    });
    state->timer.start(m_timeoutMs);
    job->start();
}

SecretResult SecretStore::wait(Operation operation, const QString& key, const QByteArray& secret)
{
    SecretResult result;
    bool finished = false;
    QEventLoop loop;
    run(operation, key, secret, [&](const SecretResult& r) {
        result = r;
        finished = true;
        loop.quit();
    });
    if (!finished)
        loop.exec();
    return result;
}

SecretResult SecretStore::writeAndWait(const QString& key, const QByteArray& secret)
{
    return wait(Operation::Write, key, secret);
}

SecretResult SecretStore::readAndWait(const QString& key) { return wait(Operation::Read, key, {}); }

SecretResult SecretStore::removeAndWait(const QString& key) { return wait(Operation::Remove, key, {}); }
