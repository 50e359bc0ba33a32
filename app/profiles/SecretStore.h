#pragma once

#include <functional>
#include <QByteArray>
#include <QObject>
#include <QString>

/// The outcome of one keychain operation. Anything but Ok means: the secret was not stored (or
/// not read), and `message` says why in words the user can act on.
struct SecretResult
{
    enum class Status
    {
        Ok,
        NotFound, ///< nothing stored under that key
        Unavailable, ///< no secret service on this desktop (or no desktop session at all)
        Denied, ///< the user or the service refused access (e.g. a locked keyring)
        TimedOut, ///< the service did not answer in time (e.g. an unlock prompt nobody can see)
        Failed, ///< any other error the service reported
    };
    Status status = Status::Failed;
    QByteArray secret; ///< only for a successful read
    QString message; ///< translated; empty on success
    bool ok() const { return status == Status::Ok; }
};

/**
 * Passwords for profiles, in the desktop's secret service (Secret Service API / KWallet) through
 * QtKeychain. Nothing else in Mailscope keeps a password: profiles only record that one is stored.
 *
 * QtKeychain's jobs are asynchronous and a secret service can wait forever (an unlock prompt on a
 * screen nobody sees), so every operation is bounded by a timeout and ends in a SecretResult,
 * never in a hang. Never falls back to a plaintext file (QtKeychain's insecureFallback stays off).
 */
class SecretStore final : public QObject
{
    Q_OBJECT

public:
    using Callback = std::function<void(const SecretResult&)>;

    explicit SecretStore(QObject* parent = nullptr);
    ~SecretStore() override;
    Q_DISABLE_COPY_MOVE(SecretStore)

    /// The service name entries are filed under in the keychain.
    static QString serviceName();

    /// Default 20 s: long enough for a user to type the keyring's password in an unlock prompt.
    void setTimeoutMs(int milliseconds) { m_timeoutMs = milliseconds; }
    int timeoutMs() const { return m_timeoutMs; }

    /// Asynchronous: `done` is called exactly once, on this object's thread (not if this store is
    /// destroyed first).
    void write(const QString& key, const QByteArray& secret, Callback done);
    void read(const QString& key, Callback done);
    void remove(const QString& key, Callback done);

    /// The same, waiting on a local event loop (for the CLI).
    SecretResult writeAndWait(const QString& key, const QByteArray& secret);
    SecretResult readAndWait(const QString& key);
    SecretResult removeAndWait(const QString& key);

private:
    enum class Operation
    {
        Write,
        Read,
        Remove
    };
    void run(Operation operation, const QString& key, const QByteArray& secret, Callback done);
    SecretResult wait(Operation operation, const QString& key, const QByteArray& secret);

    int m_timeoutMs = 20000;
};
