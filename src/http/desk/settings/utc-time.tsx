/** A stored ISO instant as people read it, to the minute and in UTC, which the server keeps. */
export const UtcTime = (props: { iso: string }) => <time datetime={props.iso}>{`${props.iso.slice(0, 10)} ${props.iso.slice(11, 16)} UTC`}</time>;
