package io.etcdmp.stork;

import io.smallrye.stork.api.MetadataKey;

/**
 * The Stork metadata of an instance found in etcd (its record's {@code Metadata} fields by the same names); every
 * field of the record's metadata is also in the instance's labels ({@code ServiceInstance.getLabels()}).
 */
public enum EtcdMetadataKey implements MetadataKey {
    /** The instance id: the last segment of its record's key (a {@code String}). */
    META_ETCD_INSTANCE_ID("instance-id"),
    /** The instance's zone, when its record names one (a {@code String}). */
    META_ETCD_ZONE("zone"),
    /** The instance's share of the calls: metadata {@code weight}, default 100 (an {@code Integer}). */
    META_ETCD_WEIGHT("weight"),
    /** The instance's status: always {@code UP} for a discovered instance (a {@code String}). */
    META_ETCD_STATUS("status");

    private final String name;

    EtcdMetadataKey(String name) {
        this.name = name;
    }

    @Override
    public String getName() {
        return name;
    }
}
