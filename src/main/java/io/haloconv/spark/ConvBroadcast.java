package io.haloconv.spark;

import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import java.io.Serializable;

/** What {@link Featurizer} broadcasts (serialised to bytes): the bank and the spec, nothing else. */
record ConvBroadcast(FilterBank bank, ConvSpec spec) implements Serializable {}
