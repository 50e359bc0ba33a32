#pragma once

#include "run/Run.h"

#include <QAbstractItemModel>

/**
 * The certificate chain of a Run as a tree, leaf at the top and each certificate's issuer as
 * its child, down to the root: the way an administrator reads "who vouches for whom".
 */
class CertificateChainModel final : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Role
    {
        ChainIndexRole = Qt::UserRole + 1,
        HasErrorsRole
    };

    explicit CertificateChainModel(QObject* parent = nullptr);
    Q_DISABLE_COPY_MOVE(CertificateChainModel)

    void setRun(const Run* run);
    const CertificateInfo* certificate(const QModelIndex& index) const;
    QModelIndex indexForChain(int chainIndex) const;
    int chainLength() const { return m_count; }

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

public Q_SLOTS:
    /// The engine replaced TLS facts and certificates.
    void onTlsChanged();

private:
    const Run* m_run = nullptr;
    int m_count = 0;
};
